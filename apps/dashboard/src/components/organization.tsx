import { createSignal, createUniqueId, For, Show } from "solid-js";
import { useSession } from "../lib/session";
import { createSubmission } from "../lib/submission";
import { Dialog, DialogActions } from "./dialog";
import { FormError } from "./form";

/** A user removed from every organization they belonged to can start a new one. */
export function NoOrganization() {
  const [creating, setCreating] = createSignal(false);
  return (
    <main class="auth">
      <div class="auth-card">
        <h1>No organization</h1>
        <p class="muted">You are not a member of any organization. Ask for an invitation link, or start your own.</p>
        <button type="button" class="button button-primary button-block" onClick={() => setCreating(true)}>
          Create an organization
        </button>
        <Show when={creating()}>
          <CreateOrganizationDialog onClose={() => setCreating(false)} />
        </Show>
      </div>
    </main>
  );
}

type Membership = NonNullable<ReturnType<ReturnType<typeof useSession>["me"]>>["organizations"][number];

/** Organizations of the same name are told apart by their slug, which is also what the CLI's `--org` takes. */
const labelOf = (organization: Membership, all: readonly Membership[]) =>
  all.some((o) => o.id !== organization.id && o.name === organization.name)
    ? `${organization.name} (${organization.slug})`
    : organization.name;

export function OrganizationSwitcher() {
  const session = useSession();
  const id = createUniqueId();
  const [creating, setCreating] = createSignal(false);
  const organizations = () => session.me()?.organizations ?? [];
  return (
    <div class="org-switcher">
      <label for={id} class="visually-hidden">
        Organization
      </label>
      <select
        id={id}
        value={session.organization()?.id}
        data-testid="organization-switcher"
        onChange={(e) => {
          if (e.currentTarget.value === "__new") {
            e.currentTarget.value = session.organization()?.id ?? "";
            setCreating(true);
          } else session.chooseOrganization(e.currentTarget.value);
        }}
      >
        <For each={organizations()}>{(o) => <option value={o.id}>{labelOf(o, organizations())}</option>}</For>
        <option value="__new">+ New organization…</option>
      </select>
      <OrganizationSlug />
      <Show when={creating()}>
        <CreateOrganizationDialog onClose={() => setCreating(false)} />
      </Show>
    </div>
  );
}

/** The chosen organization's slug: what the CLI's `--org` takes, and what tells apart organizations of one name. */
export function OrganizationSlug() {
  const session = useSession();
  return (
    <Show when={session.organization()}>
      {(organization) => (
        <p class="org-slug-line" title="The CLI's --org takes this slug">
          <span class="muted">Slug</span>{" "}
          <code class="org-slug" data-testid="organization-slug">
            {organization().slug}
          </code>
        </p>
      )}
    </Show>
  );
}

/** Where the command line needs it (settings): the `--org` that names this organization, whatever its name. */
export function OrganizationCliNote() {
  const session = useSession();
  return (
    <Show when={session.organization()}>
      {(organization) => (
        <p class="muted org-cli-note" data-testid="organization-cli">
          On the command line, <code>--org {organization().slug}</code> names {organization().name}.
        </p>
      )}
    </Show>
  );
}

function CreateOrganizationDialog(props: { onClose: () => void }) {
  const session = useSession();
  const [name, setName] = createSignal("");
  const submission = createSubmission();
  const id = createUniqueId();
  return (
    <Dialog title="New organization" onClose={props.onClose}>
      <form
        class="dialog-body form"
        onSubmit={(event) => {
          event.preventDefault();
          void submission.run(async () => {
            const created = await session.baseApi.client.organizations.create.mutate({ name: name() });
            await session.refreshMe();
            session.chooseOrganization(created.id);
            props.onClose();
          });
        }}
      >
        <div class="field">
          <label for={id}>Organization name</label>
          <input id={id} value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} required />
        </div>
        <FormError message={submission.error()} />
        <DialogActions
          onCancel={props.onClose}
          label="Create organization"
          busyLabel="Creating…"
          busy={submission.busy()}
          disabled={!name().trim()}
        />
      </form>
    </Dialog>
  );
}
