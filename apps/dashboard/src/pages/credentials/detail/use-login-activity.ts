import { useQuery } from "@tanstack/solid-query";
import { type Accessor, createEffect, onCleanup } from "solid-js";
import { coalesce } from "../../../lib/coalesce";
import { isLogin } from "../../../lib/live-event";
import { queryKeys } from "../../../lib/query";
import { useSession } from "../../../lib/session";

/** A credential's logins per day over the last 7 days, read again (at most twice per burst) as its logins arrive. */
export function useLoginActivity(id: Accessor<string>) {
  const session = useSession();
  const query = useQuery(() => ({
    queryKey: [...queryKeys.credential(session.organizationId() ?? "", id()), "logins"] as const,
    queryFn: () => session.api().smtpCredentials.loginActivity.query({ id: id() }),
  }));
  const reread = coalesce(() => query.refetch());
  createEffect(() => {
    const stop = session.live().listen((event) => {
      if (event.credentialId === id() && isLogin(event)) void reread();
    });
    onCleanup(stop);
  });
  return query;
}
