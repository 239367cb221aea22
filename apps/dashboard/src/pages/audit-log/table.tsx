import { For, Show } from "solid-js";
import { RelativeTime, Table } from "../../components/ui";
import { ACTION_TEXT } from "./actions";
import type { AuditEntry } from "./export";

export function AuditTable(props: { entries: AuditEntry[] }) {
  return (
    <Table caption="Audit log, newest first" head={["Time", "Actor", "Action", "Target", "Address"]} class="audit">
      <For each={props.entries}>{(entry) => <AuditRow entry={entry} />}</For>
    </Table>
  );
}

function AuditRow(props: { entry: AuditEntry }) {
  return (
    <tr data-testid="audit-row" data-action={props.entry.action}>
      <td class="nowrap">
        <RelativeTime date={props.entry.createdAt} />
      </td>
      <td data-testid="audit-actor">
        {props.entry.actorLabel}
        <Show when={props.entry.actorType !== "user"}>
          <span class="muted"> ({props.entry.actorType === "api_key" ? "API" : "system"})</span>
        </Show>
      </td>
      <td>{ACTION_TEXT[props.entry.action]}</td>
      <td class="mono" data-testid="audit-target">
        {props.entry.targetLabel ?? ""}
      </td>
      <td class="mono muted">{props.entry.remoteAddress ?? "—"}</td>
    </tr>
  );
}
