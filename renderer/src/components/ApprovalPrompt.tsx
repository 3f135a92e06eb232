// An owner's on-the-spot approval: a cashier's call was refused with APPROVAL_NEEDED, the owner types their PIN
// here, staff.approve records both names, and the call is sent again (api/call.ts does it for every call).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import type { ApiError } from '../../../shared/api';
import type { StaffAction } from '../../../shared/staff';
import { client } from '../api/client';
import { errorText } from '../i18n';
import { Modal } from './Modal';
import { PinPad, pinDigits } from './PinPad';

interface Asking {
  action: StaffAction;
  resolve: (approvalId: string | null) => void;
}

const useApproval = create<{ asking: Asking | null }>(() => ({ asking: null }));

/** Asks for the owner's PIN; the approval id, or null when cancelled. */
export function requestApproval(action: StaffAction): Promise<string | null> {
  return new Promise((resolve) => {
    useApproval.getState().asking?.resolve(null);
    useApproval.setState({ asking: { action, resolve } });
  });
}

function finish(approvalId: string | null): void {
  const { asking } = useApproval.getState();
  useApproval.setState({ asking: null });
  asking?.resolve(approvalId);
}

export function ApprovalPromptHost() {
  const asking = useApproval((s) => s.asking);
  return asking ? <ApprovalPrompt action={asking.action} /> : null;
}

function ApprovalPrompt({ action }: { action: StaffAction }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    if (busy || !/^\d{4,6}$/.test(pin)) return;
    setBusy(true);
    const r = await client.call('staff.approve', { pin, action });
    setBusy(false);
    setPin('');
    if (r.ok) finish(r.value.approvalId);
    else setError(r.error);
  };
  return (
    <Modal
      title={t('staff.approval.title')}
      onClose={() => finish(null)}
      testId="approval-prompt"
      size="sm"
      data={{ 'data-action': action }}
    >
      <form
        className="lock-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p data-testid="approval-action">{t('staff.approval.asks', { action: t(`staff.actions.${action}`) })}</p>
        <label className="field">
          {t('staff.approval.pin')}
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={6}
            value={pin}
            data-autofocus
            data-testid="approval-pin"
            onChange={(e) => setPin(pinDigits(e.target.value))}
          />
        </label>
        <PinPad value={pin} onChange={setPin} onSubmit={() => void submit()} busy={busy} testId="approval-pad" />
        {error && (
          <p className="form-error" role="alert" data-testid="approval-error">
            {errorText(t, error)}
          </p>
        )}
        <div className="actions-row">
          <button type="button" className="btn" onClick={() => finish(null)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="approval-submit">
            {t('staff.approval.approve')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
