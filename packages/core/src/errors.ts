export type DomainErrorCode =
  | "BAD_REQUEST"
  | "CONFLICT"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "UNPROCESSABLE_CONTENT"
  | "TOO_MANY_REQUESTS";

/**
 * A refusal the caller can act on. `field` names the input the message is about, so a form can show it beside
 * the right control. Transports translate the code; nothing matches on the message.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);
