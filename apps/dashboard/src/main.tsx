import { render } from "solid-js/web";
import { App } from "./app";
import { interceptLinks } from "./lib/router";
import { refreshMe, signedOut } from "./lib/session";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
interceptLinks(root);
// An unreachable server at start-up shows the sign-in page, which reports the problem when used.
refreshMe().catch(signedOut);
render(() => <App />, root);
