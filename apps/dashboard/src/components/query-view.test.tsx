import { onlineManager, QueryClient, QueryClientProvider, useQuery } from "@tanstack/solid-query";
import { TRPCClientError } from "@trpc/client";
import { For } from "solid-js";
import { render } from "solid-js/web";
import { afterEach, describe, expect, test } from "vitest";
import { createQueryClient, serverReachable } from "../lib/query";
import { untilText } from "../test/dom";
import { QueryView } from "./query-view";

let dispose = () => {};
afterEach(() => {
  dispose();
  onlineManager.setOnline(true);
  document.body.replaceChildren();
});

/** A list page in miniature: the names the query answers, or the shared loading / error / empty view. */
function mount(client: QueryClient, load: () => Promise<string[]>) {
  // Attached, because Solid listens for clicks on the document.
  const container = document.body.appendChild(document.createElement("div"));
  function Names() {
    const names = useQuery(() => ({ queryKey: ["names"], queryFn: load }));
    return (
      <QueryView
        query={names}
        loadingLabel="Loading names…"
        isEmpty={(list) => list.length === 0}
        empty={{ icon: "users", title: "No names yet" }}
      >
        {(list) => <For each={list()}>{(name) => <p>{name}</p>}</For>}
      </QueryView>
    );
  }
  dispose = render(
    () => (
      <QueryClientProvider client={client}>
        <Names />
      </QueryClientProvider>
    ),
    container,
  );
  return container;
}

const client = () => new QueryClient({ defaultOptions: { queries: { retry: false } } });

describe("the shared loading / error / empty view", () => {
  test("a spinner until the answer, then the rows; a cache update shows without asking again", async () => {
    let answer = (_: string[]) => {};
    let asked = 0;
    const queries = client();
    const view = mount(queries, () => {
      asked++;
      return new Promise((resolve) => (answer = resolve));
    });
    expect(view.textContent).toBe("Loading names…");
    answer(["ada"]);
    await untilText(view, (text) => text === "ada");
    queries.setQueryData<string[]>(["names"], (names) => [...(names ?? []), "grace"]);
    await untilText(view, (text) => text === "adagrace");
    expect(asked).toBe(1);
  });

  test("an empty answer shows the empty state", async () => {
    const view = mount(client(), async () => []);
    await untilText(view, (text) => text.includes("No names yet"));
  });

  test("a failed first load shows the error, and Try again asks again", async () => {
    let attempt = 0;
    const view = mount(client(), async () => {
      attempt++;
      if (attempt === 1) throw new TypeError("Failed to fetch");
      return ["ada"];
    });
    await untilText(view, (text) => text.includes("Check your connection"));
    view.querySelector("button")?.click();
    await untilText(view, (text) => text === "ada");
    expect(attempt).toBe(2);
  });

  test("a request that got no answer says RelayPost cannot be reached, and Retry asks again", async () => {
    let attempt = 0;
    const view = mount(createQueryClient(), async () => {
      attempt++;
      if (attempt === 1) throw unreachable();
      return ["ada"];
    });
    await untilText(view, (text) => text.includes("Can't reach RelayPost"));
    expect(view.textContent).not.toContain("Failed to fetch");
    view.querySelector("button")?.click();
    await untilText(view, (text) => text === "ada");
    expect(attempt).toBe(2);
  });

  test("a server's refusal keeps its own message", async () => {
    const view = mount(createQueryClient(), async () => {
      throw TRPCClientError.from({
        error: { code: -32001, message: "Sign in first", data: { code: "UNAUTHORIZED", httpStatus: 401 } },
      });
    });
    await untilText(view, (text) => text.includes("Sign in first"));
    expect(view.textContent).not.toContain("Can't reach RelayPost");
  });

  test("what failed while the server was unreachable loads again by itself once it is back", async () => {
    let attempt = 0;
    const view = mount(createQueryClient(), async () => {
      attempt++;
      if (attempt === 1) throw unreachable();
      return ["ada"];
    });
    await untilText(view, (text) => text.includes("Can't reach RelayPost"));
    serverReachable(false);
    serverReachable(true);
    await untilText(view, (text) => text === "ada");
    expect(attempt).toBe(2);
  });
});

const unreachable = () => new TRPCClientError("Failed to fetch", { cause: new TypeError("Failed to fetch") });
