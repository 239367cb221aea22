import type { EventType } from "@relaypost/contract";
import { createUniqueId, For, Show } from "solid-js";
import { eventTypeGroups } from "../../lib/webhooks";

const GROUPS = eventTypeGroups();

/**
 * Which events an endpoint is sent: all of them (the default, which includes types added later), or only those
 * checked, grouped by what they are about. `selected` null means all.
 */
export function EventTypesField(props: {
  selected: EventType[] | null;
  onChange: (selected: EventType[] | null) => void;
  error: string | undefined;
}) {
  const scope = createUniqueId();
  const chosen = (type: EventType) => props.selected?.includes(type) ?? false;
  const toggle = (type: EventType, on: boolean) => {
    const current = props.selected ?? [];
    props.onChange(on ? [...current, type] : current.filter((t) => t !== type));
  };
  return (
    <fieldset class="event-types">
      <legend>Events</legend>
      <label class="check">
        <input type="radio" name={scope} checked={props.selected === null} onChange={() => props.onChange(null)} />
        All events, including types added later
      </label>
      <label class="check">
        <input type="radio" name={scope} checked={props.selected !== null} onChange={() => props.onChange([])} />
        Only the events I choose
      </label>
      <Show when={props.selected !== null}>
        <div class="event-groups">
          <For each={GROUPS}>
            {(group) => (
              <fieldset class="event-group">
                <legend>{group.name}</legend>
                <For each={group.types}>
                  {(type) => (
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={chosen(type)}
                        onChange={(e) => toggle(type, e.currentTarget.checked)}
                      />
                      <span class="mono">{type}</span>
                    </label>
                  )}
                </For>
              </fieldset>
            )}
          </For>
        </div>
      </Show>
      <Show when={props.error}>
        <span class="hint hint-error">{props.error}</span>
      </Show>
    </fieldset>
  );
}
