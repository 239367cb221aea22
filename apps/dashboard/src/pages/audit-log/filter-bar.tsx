import { AUDIT_ACTIONS } from "@relaypost/contract";
import { createUniqueId, For, type JSX, Show } from "solid-js";
import type { Outputs } from "../../lib/api";
import { ACTION_TEXT, actionGroups } from "./actions";
import type { AuditParams } from "./filters";

type Actor = Outputs["auditLog"]["actors"][number];

const GROUPS = actionGroups(AUDIT_ACTIONS);

/** Actor, action, target and days above the log; each change lands in the URL at once. */
export function AuditFilterBar(props: {
  params: AuditParams;
  actors: Actor[];
  rangeError: string | null;
  onChange: (params: AuditParams) => void;
  /** What acts on the filtered log (the export), at the bar's end. */
  children: JSX.Element;
}) {
  const set = (change: AuditParams) => props.onChange({ ...props.params, ...change });
  const value = (text: string) => text || undefined;
  const filtered = () => Object.values(props.params).some(Boolean);
  const errorId = createUniqueId();
  return (
    <div class="toolbar toolbar-wrap audit-filters">
      <FilterField label="Actor">
        {(id) => (
          <select
            id={id}
            value={props.params.actor ?? ""}
            onChange={(e) => set({ actor: value(e.currentTarget.value) })}
          >
            <option value="">Anyone</option>
            {/* Marked on the option too: the actors can arrive after the menu's value was set from the URL. */}
            <For each={props.actors}>
              {(actor) => (
                <option value={actor.actor} selected={actor.actor === props.params.actor}>
                  {actor.label}
                </option>
              )}
            </For>
          </select>
        )}
      </FilterField>
      <FilterField label="Action">
        {(id) => (
          <select
            id={id}
            value={props.params.action ?? ""}
            onChange={(e) => set({ action: value(e.currentTarget.value) })}
          >
            <option value="">Any action</option>
            <For each={GROUPS}>
              {(group) => (
                <optgroup label={group.label}>
                  <For each={group.actions}>{(action) => <option value={action}>{ACTION_TEXT[action]}</option>}</For>
                </optgroup>
              )}
            </For>
          </select>
        )}
      </FilterField>
      <FilterField label="Target">
        {(id) => (
          <input
            id={id}
            type="search"
            placeholder="Username, name or ID"
            value={props.params.target ?? ""}
            // On Enter or on leaving the field, not on every key: each change is a request and a history entry.
            onChange={(e) => set({ target: value(e.currentTarget.value.trim()) })}
          />
        )}
      </FilterField>
      <FilterField label="From">
        {(id) => (
          <input
            id={id}
            type="date"
            value={props.params.from ?? ""}
            max={props.params.to}
            onChange={(e) => set({ from: value(e.currentTarget.value) })}
          />
        )}
      </FilterField>
      <FilterField label="To">
        {(id) => (
          <input
            id={id}
            type="date"
            value={props.params.to ?? ""}
            min={props.params.from}
            aria-invalid={props.rangeError ? "true" : undefined}
            aria-describedby={props.rangeError ? errorId : undefined}
            onChange={(e) => set({ to: value(e.currentTarget.value) })}
          />
        )}
      </FilterField>
      <Show when={filtered()}>
        <button type="button" class="link-button" onClick={() => props.onChange({})}>
          Clear filters
        </button>
      </Show>
      {props.children}
      <Show when={props.rangeError}>
        {(message) => (
          <p class="hint hint-error audit-range-error" id={errorId} role="alert">
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}

/** A filter's label beside its control, tied by id: wrapping the control would fold a menu's options into its name. */
function FilterField(props: { label: string; children: (id: string) => JSX.Element }) {
  const id = createUniqueId();
  return (
    <div class="compact-field labelled-field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
    </div>
  );
}
