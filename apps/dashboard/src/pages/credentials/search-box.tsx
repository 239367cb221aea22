import { createEffect, createSignal, on, onCleanup } from "solid-js";
import { Icon } from "../../components/icon";

/** Searches once typing pauses, not on every key. */
export function SearchBox(props: { value: string; onSearch: (value: string) => void }) {
  const [text, setText] = createSignal(props.value);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  // Back and Forward change the search in the address; the box follows, unless that is only what is being typed.
  createEffect(
    on(
      () => props.value,
      (value) => {
        if (value !== text().trim()) setText(value);
      },
      { defer: true },
    ),
  );
  return (
    <label class="search">
      <Icon name="search" />
      <span class="visually-hidden">Search credentials</span>
      <input
        type="search"
        placeholder="Search by username or description"
        value={text()}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          clearTimeout(timer);
          timer = setTimeout(() => props.onSearch(value), 250);
        }}
      />
    </label>
  );
}
