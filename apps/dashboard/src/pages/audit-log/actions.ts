import type { AuditAction } from "@relaypost/contract";
import { useInfiniteQuery } from "@tanstack/solid-query";
import { For, Show } from "solid-js";
import { QueryView } from "../components/query-view";
import { PageHeader, RelativeTime, Table } from "../components/ui";
import type { Outputs } from "../lib/api";
import { queryKeys } from "../lib/query";
import { useSession } from "../lib/session";

type Entry = Outputs["auditLog"]["list"]["items"][number];

const ACTIONS: Record<AuditAction, string> = {
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

export function AuditLogPage() {
  const session = useSession();
  const log = useInfiniteQuery(() => ({
    queryKey: queryKeys.auditLog(session.organizationId() ?? ""),
    queryFn: ({ pageParam }) => session.api().auditLog.list.query({ cursor: pageParam, limit: 50 }),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextCursor,
  }));
  const entries = () => log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div class="page">
      <PageHeader title="Audit log" lead="Every change in this organization: who made it, from where and when." />
      <section class="panel panel-flush">
        <QueryView
          query={log}
          isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
          empty={{ icon: "list", title: "Nothing recorded yet" }}
        >
          {() => (
            <>
              <Table caption="Audit log" head={["Time", "Actor", "Action", "Target", "Address"]} class="audit">
                <For each={entries()}>{(entry) => <AuditRow entry={entry} />}</For>
              </Table>
              <footer class="list-footer">
                <span class="muted">{entries().length} entries</span>
                <Show when={log.hasNextPage}>
                  <button
                    type="button"
                    class="button"
                    disabled={log.isFetchingNextPage}
                    onClick={() => void log.fetchNextPage()}
                  >
                    {log.isFetchingNextPage ? "Loading…" : "Load older entries"}
                  </button>
                </Show>
              </footer>
            </>
          )}
        </QueryView>
      </section>
    </div>
  );
}

function AuditRow(props: { entry: Entry }) {
  return (
    <tr data-testid="audit-row">
      <td class="nowrap">
        <RelativeTime date={props.entry.createdAt} />
      </td>
      <td>
        {props.entry.actorLabel}
        <Show when={props.entry.actorType !== "user"}>
          <span class="muted"> ({props.entry.actorType === "api_key" ? "API" : "system"})</span>
        </Show>
      </td>
      <td>{ACTIONS[props.entry.action]}</td>
      <td class="mono">{props.entry.targetLabel ?? ""}</td>
      <td class="mono muted">{props.entry.remoteAddress ?? "—"}</td>
    </tr>
  );
}
