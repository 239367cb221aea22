import { A } from "@solidjs/router";
import { createMemo } from "solid-js";
import { QueryView } from "../../../components/query-view";
import { allMessages } from "../../../lib/message-cache";
import { MessageTable } from "../../messages/table";
import { useMessages } from "../../messages/use-messages";

/** Messages shown here; the rest are one link away, on the Messages page filtered by the credential. */
const SHOWN = 10;

/** The credential's latest messages, kept current by the Messages page's live data layer. */
export function CredentialMessages(props: { credentialId: string; username: string }) {
  const query = useMessages(() => ({ credentialId: props.credentialId }));
  const latest = createMemo(() => allMessages(query.data).slice(0, SHOWN));
  return (
    <section class="panel panel-flush" aria-labelledby="credential-messages-title">
      <header class="panel-header">
        <h2 id="credential-messages-title" class="panel-title">
          Latest messages
        </h2>
        <A href={`/messages?credential=${encodeURIComponent(props.credentialId)}`} class="button button-small">
          All messages of {props.username}
        </A>
      </header>
      <QueryView
        query={query}
        loadingLabel="Loading messages…"
        isEmpty={(data) => allMessages(data).length === 0}
        empty={{ icon: "mail", title: "No messages yet" }}
      >
        {() => (
          <MessageTable
            messages={latest()}
            credentialName={() => props.username}
            hasMore={false}
            loadingMore={false}
            onLoadMore={() => {}}
          />
        )}
      </QueryView>
    </section>
  );
}
