import { createSignal } from "solid-js";
import { render } from "solid-js/web";
import { afterEach, expect, test } from "vitest";
import { ClockContext } from "../lib/clock";
import { RelativeTime } from "./ui";

let dispose = () => {};
afterEach(() => dispose());

test("a relative time follows the clock it is given, and keeps the exact time for hover and screen readers", () => {
  const date = new Date("2026-11-01T12:00:00Z");
  const [now, setNow] = createSignal(date.getTime() + 10_000);
  const container = document.createElement("div");
  dispose = render(
    () => (
      <ClockContext.Provider value={now}>
        <RelativeTime date={date} />
      </ClockContext.Provider>
    ),
    container,
  );
  expect(container.textContent).toBe("just now");
  setNow(date.getTime() + 3 * 3600_000);
  expect(container.textContent).toBe("3 hours ago");
  expect(container.querySelector("time")?.getAttribute("datetime")).toBe("2026-11-01T12:00:00.000Z");
});
