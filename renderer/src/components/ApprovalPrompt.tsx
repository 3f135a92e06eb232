// An owner's on-the-spot approval: the owner types their PIN, staff.approve answers with an approval id that the
// refused call is sent again with. Minimal stand-in (the lead's shared prompt replaces it at merge): one prompt at
// a time, mounted by <ApprovalPromptHost/>.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import type { StaffAction } from '../../../shared/staff';
import { request } from '../api/call';
import { Modal } from './Modal';

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
  const submit = async () => {
    if (busy || !/^\d{4,6}$/.test(pin)) return;
    setBusy(true);
    const approval = await request('staff.approve', { pin, action });
    setBusy(false);
    setPin('');
    if (approval) finish(approval.approvalId);
  };
  return (
    <Modal title={t('refund.approval.title')} onClose={() => finish(null)} testId="approval-prompt" size="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          {t('refund.approval.pin')}
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={6}
            value={pin}
            data-autofocus
            data-testid="approval-pin"
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        </label>
        <div className="actions-row">
          <button type="button" className="btn" onClick={() => finish(null)}>
            {t('refund.approval.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="approval-submit">
            {t('refund.approval.approve')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
