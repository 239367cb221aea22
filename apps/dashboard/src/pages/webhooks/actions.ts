import type { ApiClient, Outputs } from "../../lib/api";

export type Endpoint = Outputs["webhooks"]["list"][number];
export type Delivery = Outputs["webhooks"]["deliveries"]["items"][number];
/** What creating an endpoint or rotating its secret answers: the only answers carrying the secret. */
export type EndpointWithSecret = Awaited<ReturnType<ApiClient["webhooks"]["create"]["mutate"]>>;

/** What a row asks of the page: the dialogs it opens, and that the list be read again after a change. */
export interface EndpointActions {
  edit: (endpoint: Endpoint) => void;
  turnOff: (endpoint: Endpoint) => void;
  rotate: (endpoint: Endpoint) => void;
  remove: (endpoint: Endpoint) => void;
  changed: () => void;
}
