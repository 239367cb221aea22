import { useQuery } from "@tanstack/solid-query";
import { queryKeys } from "../../lib/query";
import { useSession } from "../../lib/session";
import { smtpSettings } from "../../lib/smtp";

/** The server's SMTP host, ports and security, read once per organization, for the reveal and the credential page. */
export function useSmtpSettings() {
  const session = useSession();
  const endpoint = useQuery(() => ({
    queryKey: queryKeys.connectionSettings(session.organizationId() ?? ""),
    queryFn: () => session.api().smtpCredentials.connectionSettings.query(),
    staleTime: Number.POSITIVE_INFINITY,
  }));
  return () => smtpSettings(endpoint.data);
}
