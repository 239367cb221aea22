import { expect } from "vitest";

/**
 * Resolves once `container`'s text satisfies `holds`, re-checking on every DOM change (no polling); fails after a
 * generous bound so a broken screen reports instead of hanging.
 */
export function untilText(container: HTMLElement, holds: (text: string) => boolean): Promise<void> {
  if (holds(container.textContent ?? "")) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!holds(container.textContent ?? "")) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`Text never matched; it is: ${container.textContent}`));
    }, 4_000);
    observer.observe(container, { subtree: true, childList: true, characterData: true });
  });
}

export const expectText = (container: HTMLElement, text: string) => expect(container.textContent).toContain(text);
