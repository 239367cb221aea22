// The theme is set before the first paint, by this blocking script in <head> (the Content-Security-Policy allows no
// inline script): the choice saved by the dashboard (src/lib/theme.ts, same key), else the system's.
(() => {
  let choice = null;
  try {
    choice = localStorage.getItem("relaypost.theme");
  } catch {
    // Storage can be blocked; the system's theme applies.
  }
  const dark = choice === "dark" || (choice !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
})();
