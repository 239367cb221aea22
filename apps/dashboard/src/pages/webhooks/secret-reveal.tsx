import { CopyField } from "../../components/form";
import { RevealDialog } from "../../components/reveal-dialog";

export interface RevealedSecret {
  title: string;
  url: string;
  secret: string;
}

/** An endpoint's signing secret, shown once after it is added or its secret rotated. */
export function SecretReveal(props: { secret: RevealedSecret; onClose: () => void }) {
  return (
    <RevealDialog
      title={props.secret.title}
      notice={
        <>
          <strong>Copy this signing secret now. You will not see it again.</strong> Verify signatures with a Standard
          Webhooks library.
        </>
      }
      doneLabel="I've saved the secret"
      onClose={props.onClose}
    >
      <CopyField
        label={`Signing secret for ${props.secret.url}`}
        value={props.secret.secret}
        secret
        testId="revealed-webhook-secret"
      />
    </RevealDialog>
  );
}
