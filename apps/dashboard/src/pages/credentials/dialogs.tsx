import { Match, Switch } from "solid-js";
import type { Credential } from "../../lib/api";
import { DeactivateDialog, DeleteDialog, RegenerateDialog } from "./confirm-dialogs";
import { CreateCredentialDialog } from "./create-dialog";
import { PasswordReveal, type Reveal } from "./password-reveal";

export type Open =
  | { kind: "create" }
  | { kind: "regenerate"; credential: Credential }
  | { kind: "deactivate"; credential: Credential }
  | { kind: "delete"; credential: Credential }
  | { kind: "reveal"; reveal: Reveal };

/** The credentials page's dialogs, one at a time. */
export function CredentialDialogs(props: {
  open: Open | null;
  setOpen: (open: Open | null) => void;
  upsert: (credential: Credential, added: boolean) => void;
  onDeleted: (id: string) => void;
}) {
  const close = () => props.setOpen(null);
  const of = <K extends Open["kind"]>(kind: K) =>
    props.open?.kind === kind ? (props.open as Extract<Open, { kind: K }>) : undefined;
  return (
    <Switch>
      <Match when={of("create")}>
        <CreateCredentialDialog
          onClose={close}
          onCreated={(result) => {
            props.upsert(result.credential, true);
            props.setOpen({ kind: "reveal", reveal: { ...result, regenerated: false } });
          }}
        />
      </Match>
      <Match when={of("reveal")}>{(open) => <PasswordReveal reveal={open().reveal} onClose={close} />}</Match>
      <Match when={of("regenerate")}>
        {(open) => (
          <RegenerateDialog
            credential={open().credential}
            onClose={close}
            onDone={(result) => {
              props.upsert(result.credential, false);
              props.setOpen({ kind: "reveal", reveal: { ...result, regenerated: true } });
            }}
          />
        )}
      </Match>
      <Match when={of("deactivate")}>
        {(open) => (
          <DeactivateDialog
            credential={open().credential}
            onClose={close}
            onDone={(credential) => {
              props.upsert(credential, false);
              close();
            }}
          />
        )}
      </Match>
      <Match when={of("delete")}>
        {(open) => (
          <DeleteDialog
            credential={open().credential}
            onClose={close}
            onDone={() => {
              props.onDeleted(open().credential.id);
              close();
            }}
          />
        )}
      </Match>
    </Switch>
  );
}
