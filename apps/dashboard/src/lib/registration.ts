import { signUpRefusal } from "@relaypost/contract";
import { useQuery } from "@tanstack/solid-query";
import { queryKeys } from "./query";
import { useSession } from "./session";

/**
 * The server's REGISTRATION mode as the signed-out pages need it: `refusal(withInvitation)` is why a sign-up would be
 * refused, or undefined when it may go ahead or the mode is not known yet (the server still decides on submit).
 */
export function useRegistration() {
  const { baseApi } = useSession();
  const registration = useQuery(() => ({
    queryKey: queryKeys.registration(),
    queryFn: () => baseApi.client.auth.registration.query(),
  }));
  return {
    /** Known: the page can tell whether sign-up is offered without showing a link that then fails. */
    known: () => registration.data !== undefined || registration.isError,
    refusal: (withInvitation: boolean) =>
      registration.data ? signUpRefusal(registration.data, withInvitation) : undefined,
    mode: () => registration.data?.mode,
    firstUser: () => registration.data?.firstUser === true,
  };
}
