import { createSignal } from "solid-js";

const [path, setPath] = createSignal(location.pathname);
const [search, setSearch] = createSignal(location.search);

window.addEventListener("popstate", () => {
  setPath(location.pathname);
  setSearch(location.search);
});

export { path, search };

export function navigate(to: string, options: { replace?: boolean } = {}) {
  const url = new URL(to, location.origin);
  if (url.pathname + url.search === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  setPath(url.pathname);
  setSearch(url.search);
  window.scrollTo(0, 0);
}

/** Lets plain `<a href>` links inside the app navigate without a page load (modifier clicks still open tabs). */
export function interceptLinks(root: HTMLElement) {
  root.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const anchor = (event.target as Element).closest("a");
    if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

export const queryParam = (name: string) => new URLSearchParams(search()).get(name);
