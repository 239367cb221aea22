import { createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import { createTheme, readChoice, THEME_KEY } from "./theme";

/** A `prefers-color-scheme: dark` query whose answer the test changes, as the system would. */
function fakeMedia(matches: boolean) {
  const listeners = new Set<(event: MediaQueryListEvent) => void>();
  const media = {
    matches,
    addEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) => listeners.delete(listener),
  } as unknown as MediaQueryList;
  const change = (dark: boolean) => {
    for (const listener of listeners) listener({ matches: dark } as MediaQueryListEvent);
  };
  return { media, change, listeners };
}

describe("theme", () => {
  it("follows the system until a theme is chosen, then keeps the choice", () => {
    const storage = new Map<string, string>();
    const store = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    };
    const { media, change } = fakeMedia(false);
    const root = document.createElement("html");
    const { theme, dispose } = createRoot((dispose) => ({ theme: createTheme(store, media, root), dispose }));
    expect(root.dataset.theme).toBe("light");
    change(true);
    expect(root.dataset.theme).toBe("dark");
    theme.choose("light");
    expect(root.dataset.theme).toBe("light");
    expect(storage.get(THEME_KEY)).toBe("light");
    change(false);
    change(true);
    expect(root.dataset.theme).toBe("light");
    theme.choose("system");
    expect(root.dataset.theme).toBe("dark");
    expect(storage.has(THEME_KEY)).toBe(false);
    dispose();
  });

  it("reads an unknown or unreadable saved value as the system's theme", () => {
    expect(readChoice({ getItem: () => "purple" })).toBe("system");
    expect(readChoice({ getItem: () => "dark" })).toBe("dark");
    expect(
      readChoice({
        getItem: () => {
          throw new Error("storage blocked");
        },
      }),
    ).toBe("system");
  });

  it("stops following the system when its owner is disposed", () => {
    const { media, listeners } = fakeMedia(false);
    createRoot((dispose) => {
      createTheme(
        { getItem: () => null, setItem: () => {}, removeItem: () => {} },
        media,
        document.createElement("html"),
      );
      expect(listeners.size).toBe(1);
      dispose();
    });
    expect(listeners.size).toBe(0);
  });
});
