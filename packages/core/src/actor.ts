/** Who performed an action, as the audit log and events record it. */
export interface Actor {
  type: "user" | "api_key" | "system";
  id: string | null;
  label: string;
  remoteAddress: string | null;
}

export const systemActor = (label: string): Actor => ({ type: "system", id: null, label, remoteAddress: null });
