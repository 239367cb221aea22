import { For } from "solid-js";
import { parseChoice, THEME_CHOICES, type ThemeChoice, useTheme } from "../lib/theme";

const THEME_LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/** System, light or dark: remembered in this browser, applied before the first paint on the next visit. */
export function ThemeSelect() {
  const theme = useTheme();
  return (
    <label class="compact-field theme-select">
      <span class="visually-hidden">Theme</span>
      <select
        value={theme.choice()}
        onChange={(e) => theme.choose(parseChoice(e.currentTarget.value))}
        data-testid="theme-select"
      >
        <For each={THEME_CHOICES}>{(choice) => <option value={choice}>{THEME_LABELS[choice]}</option>}</For>
      </select>
    </label>
  );
}
