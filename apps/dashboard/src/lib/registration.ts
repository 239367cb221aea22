import { type Registration, signUpRefusal } from "@relaypost/contract";
import { createResource } from "solid-js";
import { useSession } from "./session";

/**
 * The server's REGISTRATION mode as the signed-out pages need it: `refusal(withInvitation)` is why a sign-up would be
 * refused, or undefined when it may go ahead or the mode is not known (the server still decides on submit). A
 * resource, not a cached query: the query cache is cleared whenever nobody is signed in, which is when this is read.
 */
export function useRegistration() {
  const { baseApi } = useSession();
  const [registration] = createResource(() => baseApi.client.auth.registration.query());
  const answered = (): Registration | undefined => (registration.state === "ready" ? registration() : undefined);
  return {
    /** Answered or failed: the page can tell whether to offer sign-up without showing a link that then fails. */
    known: () => registration.state === "ready" || registration.state === "errored",
    refusal: (withInvitation: boolean) => {
      const answer = answered();
      return answer ? signUpRefusal(answer, withInvitation) : undefined;
    },
    mode: () => answered()?.mode,
    firstUser: () => answered()?.firstUser === true,
  };
}
