import { EXPIRY_WARNING_MS } from "@relaypost/contract";
import { createSignal } from "solid-js";
import { render } from "solid-js/web";
import { afterEach, expect, test } from "vitest";
import { ExpiryBadge } from "./expiry";
import { LimitUsage } from "./limit-usage";
import type { CredentialDetail } from "./use-credential";

let dispose = () => {};
afterEach(() => dispose());

test("the expiry flag says in words whether a credential expires soon or has expired, and follows the clock", () => {
  const expiresAt = new Date("2026-11-10T12:00:00Z");
  const [now, setNow] = createSignal(expiresAt.getTime() - EXPIRY_WARNING_MS - 1);
  const container = document.createElement("div");
  dispose = render(() => <ExpiryBadge expiresAt={expiresAt} now={now()} />, container);
  expect(container.textContent).toBe("");
  setNow(expiresAt.getTime() - EXPIRY_WARNING_MS);
  expect(container.textContent).toBe("Expires soon");
  expect(container.querySelector("[title]")?.getAttribute("title")).toMatch(/^Expires Nov 10, 2026/);
  setNow(expiresAt.getTime());
  expect(container.textContent).toBe("Expired");
});

const detail = (limits: CredentialDetail["limits"], usage: CredentialDetail["usage"]) =>
  ({ limits, usage }) as CredentialDetail;

test("usage is shown against a per-period limit that is set, and never for recipients per message or no limit", () => {
  const credential = detail({ perMinute: 8, recipientsPerMessage: 5 }, { minute: 6, hour: 7, day: 9 });
  const container = document.createElement("div");
  dispose = render(
    () => (
      <>
        <LimitUsage limit="perMinute" credential={credential} />
        <LimitUsage limit="perHour" credential={credential} />
        <LimitUsage limit="recipientsPerMessage" credential={credential} />
      </>
    ),
    container,
  );
  expect(container.textContent).toBe("6 of 8 this minute (75%)");
  expect(container.querySelector("meter")?.getAttribute("max")).toBe("8");
});
