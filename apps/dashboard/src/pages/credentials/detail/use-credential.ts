import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { type Accessor, createEffect, onCleanup } from "solid-js";
import type { Credential, Outputs } from "../../../lib/api";
import { coalesce } from "../../../lib/coalesce";
import { queryKeys } from "../../../lib/query";
import { useSession } from "../../../lib/session";

export type CredentialDetail = Outputs["smtpCredentials"]["get"];

/** Events after which the credential's settings or usage read differently. */
const CHANGES = new Set([
  "credential.updated",
  "credential.password_regenerated",
  "credential.previous_password_ended",
  "credential.activated",
  "credential.deactivated",
  "credential.expired",
  "message.accepted",
  // The last login's time, address and method.
  "auth.succeeded",
]);

/**
 * One credential with its current usage. Changes made anywhere (another browser, the API) and messages it sends
 * arrive as live events, after which it is read again.
 */
export function useCredential(id: Accessor<string>) {
  const session = useSession();
  const client = useQueryClient();
  const key = () => queryKeys.credential(session.organizationId() ?? "", id());
  const query = useQuery(() => ({
    queryKey: key(),
    queryFn: () => session.api().smtpCredentials.get.query({ id: id() }),
  }));

  // A burst of messages costs at most two reads.
  const reread = coalesce(() => query.refetch());
  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (event.credentialId === id() && CHANGES.has(event.type)) void reread();
    });
    onCleanup(stop);
  });

  /** A mutation's answer: it carries no usage, so the usage last read stays; cached lists are read again. */
  function saved(credential: Credential) {
    client.setQueryData<CredentialDetail>(key(), (old) => (old ? { ...old, ...credential } : old));
    void client.invalidateQueries({ queryKey: queryKeys.credentials(session.organizationId() ?? "") });
  }

  return { query, saved };
}
