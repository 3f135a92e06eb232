// Calls whose failure the person should see: a translated toast, and nothing else changes.
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/api';
import { showError } from '../stores/ui';
import { client } from './client';

/** The value, or undefined after showing the error as a toast. */
export async function request<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M> | undefined> {
  const r = await client.call(method, input);
  if (r.ok) return r.value;
  showError(r.error);
  return undefined;
}
