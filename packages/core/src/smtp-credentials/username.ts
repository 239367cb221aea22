import { BASE36, randomString } from "../random";

export function generateUsername(): string {
  return `smtp_${randomString(BASE36, 8)}`;
}
