import { LOGIN_ACTIVITY_DAYS } from "@relaypost/contract";
import { For } from "solid-js";
import { LoginBars } from "../../../components/login-chart";
import { QueryView } from "../../../components/query-view";
import type { Outputs } from "../../../lib/api";
import { useLoginActivity } from "./use-login-activity";

type LoginDay = Outputs["smtpCredentials"]["loginActivity"]["days"][number];

const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });

/** Logins accepted and refused per UTC day, as bars and, for reading aloud or exactly, as a table. */
export function LoginActivity(props: { credentialId: string }) {
  const query = useLoginActivity(() => props.credentialId);
  return (
    <QueryView query={query} loadingLabel="Loading logins…">
      {(activity) => <LoginDays days={activity().days} />}
    </QueryView>
  );
}

function LoginDays(props: { days: LoginDay[] }) {
  const bars = () => props.days.map((d) => ({ label: dayLabel(d.day), accepted: d.accepted, rejected: d.refused }));
  return (
    <>
      <LoginBars
        title={`Logins, last ${LOGIN_ACTIVITY_DAYS} days (UTC)`}
        description={`Logins per day over the last ${LOGIN_ACTIVITY_DAYS} days`}
        bars={bars()}
        scale={bars().map((b) => b.label.split(" ")[0] ?? b.label)}
        testId="login-activity-chart"
      />
      <table class="visually-hidden" data-testid="login-activity-table">
        <caption>Logins per day (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Accepted</th>
            <th scope="col">Refused</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.days}>
            {(d) => (
              <tr>
                <th scope="row">{dayLabel(d.day)}</th>
                <td>{d.accepted}</td>
                <td>{d.refused}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}
