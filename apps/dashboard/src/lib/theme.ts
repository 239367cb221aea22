import { type Accessor, createContext, createRenderEffect, createSignal, onCleanup, useContext } from "solid-js";

export const THEME_CHOICES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type ResolvedTheme = "light" | "dark";

/** public/theme.js reads the same key to apply the theme before the first paint. */
export const THEME_KEY = "relaypost.theme";
export const DARK_QUERY = "(prefers-color-scheme: dark)";

/** Anything but a known choice (nothing saved, an old value) means "system". */
export const parseChoice = (value: string | null): ThemeChoice => THEME_CHOICES.find((c) => c === value) ?? "system";

export function readChoice(storage: Pick<Storage, "getItem">): ThemeChoice {
  try {
    return parseChoice(storage.getItem(THEME_KEY));
  } catch {
    return "system";
  }
}

export const resolveTheme = (choice: ThemeChoice, systemDark: boolean): ResolvedTheme =>
  choice === "system" ? (systemDark ? "dark" : "light") : choice;

export interface Theme {
  choice: Accessor<ThemeChoice>;
  resolved: Accessor<ResolvedTheme>;
  choose(choice: ThemeChoice): void;
}

/**
 * The theme chosen (system, light or dark), remembered in `storage` and applied to `root` as `data-theme`; under
 * "system" it follows `media` as it changes. Stops listening with the reactive owner that created it.
 */
export function createTheme(
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem">,
  media: MediaQueryList,
  root: HTMLElement,
): Theme {
  const [choice, setChoice] = createSignal(readChoice(storage));
  const [systemDark, setSystemDark] = createSignal(media.matches);
  const onChange = (event: MediaQueryListEvent) => setSystemDark(event.matches);
  media.addEventListener("change", onChange);
  onCleanup(() => media.removeEventListener("change", onChange));
  const resolved = () => resolveTheme(choice(), systemDark());
  createRenderEffect(() => {
    root.dataset.theme = resolved();
  });
  return {
    choice,
    resolved,
    choose(next) {
      setChoice(next);
      try {
        if (next === "system") storage.removeItem(THEME_KEY);
        else storage.setItem(THEME_KEY, next);
      } catch {
        // Blocked storage: the choice holds until the page is closed.
      }
    },
  };
}

export const ThemeContext = createContext<Theme>();

export function useTheme(): Theme {
  const theme = useContext(ThemeContext);
  if (!theme) throw new Error("useTheme outside ThemeContext");
  return theme;
}
