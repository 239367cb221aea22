import type { AuditAction } from "@relaypost/contract";

/** What each action did, as a sentence the row's target completes. */
export const ACTION_TEXT: Record<AuditAction, string> = {
  "credential.created": "Created SMTP credential",
  "credential.updated": "Updated SMTP credential",
  "credential.password_regenerated": "Regenerated password of",
  "credential.activated": "Activated SMTP credential",
  "credential.deactivated": "Deactivated SMTP credential",
  "credential.deleted": "Deleted SMTP credential",
  "credential.expired": "Expired: SMTP credential",
  "credential.previous_password_ended": "Ended the previous password of",
  "api_key.created": "Created API key",
  "api_key.revoked": "Revoked API key",
  "member.added": "Added member",
  "member.joined": "Joined through an invitation",
  "member.role_changed": "Changed the role of a member",
  "member.removed": "Removed a member",
  "invitation.created": "Created an invitation link",
  "invitation.revoked": "Revoked an invitation link",
  "organization.created": "Created the organization",
  "organization.renamed": "Renamed the organization",
  "user.password_changed": "Changed their password (other sessions signed out)",
  "messages.purged": "Purged the message log",
  "upstream.updated": "Changed the upstream",
  "upstream.cleared": "Removed the upstream (back to the server default)",
  "smtp_login_block.lifted": "Lifted an SMTP login block on an address",
  "webhook.created": "Added webhook endpoint",
  "webhook.updated": "Changed webhook endpoint",
  "webhook.deleted": "Deleted webhook endpoint",
  "webhook.secret_rotated": "Rotated the signing secret of webhook endpoint",
};

/** The action filter's menu: each action under what it acts on, in the contract's order. */
const GROUP_OF: Record<string, string> = {
  credential: "SMTP credentials",
  api_key: "API keys",
  member: "Members",
  invitation: "Members",
  organization: "Organization",
  user: "Account",
  messages: "Messages",
  upstream: "Upstream",
  smtp_login_block: "SMTP login blocks",
  webhook: "Webhooks",
};

export function actionGroups(actions: readonly AuditAction[]): { label: string; actions: AuditAction[] }[] {
  const groups = new Map<string, AuditAction[]>();
  for (const action of actions) {
    const label = GROUP_OF[action.split(".")[0] ?? ""] ?? "Other";
    groups.set(label, [...(groups.get(label) ?? []), action]);
  }
  return [...groups].map(([label, grouped]) => ({ label, actions: grouped }));
}
