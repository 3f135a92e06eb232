// Calls whose failure the person should see: a translated toast, and nothing else changes.
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/api';
import { StaffAction } from '../../../shared/staff';
import { requestApproval } from '../components/ApprovalPrompt';
import { showError } from '../stores/ui';
import { client } from './client';

/**
 * The value, or undefined after showing the error as a toast. A call a cashier may not make alone asks for the
 * owner's PIN on the spot and is sent once more with the approval (the till matches it to this action).
 */
export async function request<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M> | undefined> {
  let r = await client.call(method, input);
  if (!r.ok && r.error.code === 'APPROVAL_NEEDED') {
    const action = StaffAction.safeParse(r.error.params?.action);
    if (action.success && (await requestApproval(action.data))) r = await client.call(method, input);
    else if (action.success) return undefined;
  }
  if (r.ok) return r.value;
  showError(r.error);
  return undefined;
}
