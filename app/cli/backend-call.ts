import type { ActionName, ActionRequest, ActionResponse } from '../api';
import { fromEnvelope } from '../api';
import type { Backend } from '../core/backend';

/** One backend call as the verbs make it: the answer, or the thrown PortholeError the CLI prints. */
export type Call = <K extends ActionName>(action: K, request: ActionRequest<K>) => Promise<ActionResponse<K>>;

/** One backend call; a failure becomes the thrown PortholeError the CLI prints. */
export async function invoke<K extends ActionName>(
  backend: Backend,
  action: K,
  request: ActionRequest<K>,
): Promise<ActionResponse<K>> {
  const result = await backend.invoke(action, request);
  if (!result.ok) throw fromEnvelope(result.error);
  return result.value as ActionResponse<K>;
}
