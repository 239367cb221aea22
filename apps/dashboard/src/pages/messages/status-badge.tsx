import type { MessageStatus } from "@relaypost/contract";

/** Each status in words, with what it means on hover; the colour only repeats what the word says. */
export const STATUS_TEXT: Record<MessageStatus, { label: string; meaning: string }> = {
  queued: { label: "Queued", meaning: "Accepted and waiting for its first delivery attempt" },
  relayed: { label: "Relayed", meaning: "Handed to the upstream" },
  deferred: { label: "Deferred", meaning: "The upstream asked to try again later; it will be retried" },
  failed: { label: "Failed", meaning: "Given up: the upstream refused it or it could not be delivered in time" },
  stored: { label: "Stored", meaning: "Kept here only, not relayed: no upstream is configured" },
};

const RECIPIENT_TEXT = { pending: "Pending", relayed: "Relayed", failed: "Refused" } as const;

export function MessageStatusBadge(props: { status: MessageStatus }) {
  return (
    <span
      class={`badge badge-message badge-${props.status}`}
      title={STATUS_TEXT[props.status].meaning}
      data-testid="message-status"
    >
      {STATUS_TEXT[props.status].label}
    </span>
  );
}

export function RecipientStateBadge(props: { state: keyof typeof RECIPIENT_TEXT }) {
  const status = () => (props.state === "pending" ? "queued" : props.state);
  return <span class={`badge badge-message badge-${status()}`}>{RECIPIENT_TEXT[props.state]}</span>;
}
