import { QueryClientProvider } from "@tanstack/solid-query";
import { render } from "solid-js/web";
import { App } from "./app";
import { createApi } from "./lib/api";
import { ClockContext, createClock } from "./lib/clock";
import { createQueryClient } from "./lib/query";
import { createSession, SessionContext } from "./lib/session";
import { createTheme, DARK_QUERY, ThemeContext } from "./lib/theme";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
// Solid appends to what is there: the static first paint goes, and Boot takes its place until `me` is known.
root.replaceChildren();
render(() => {
  const session = createSession({ createApi, storage: localStorage });
  // An unreachable server at start-up shows the sign-in page, which reports the problem when used.
  session.refreshMe().catch(session.signedOut);
  // Built once here: a JSX prop is a getter, so an expression written inline would run on every read.
  const now = createClock();
  const queryClient = createQueryClient();
  const theme = createTheme(localStorage, matchMedia(DARK_QUERY), document.documentElement);
  return (
    <ThemeContext.Provider value={theme}>
      <SessionContext.Provider value={session}>
        <ClockContext.Provider value={now}>
          <QueryClientProvider client={queryClient}>
            <App />
          </QueryClientProvider>
        </ClockContext.Provider>
      </SessionContext.Provider>
    </ThemeContext.Provider>
  );
}, root);
