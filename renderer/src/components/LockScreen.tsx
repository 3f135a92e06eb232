// The till's lock screen: nobody may sell or see anything behind it until a PIN is typed. On the very first run
// it asks the owner to choose their PIN (there is no default) and shows the recovery code once.
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../shared/api';
import { client } from '../api/client';
import { errorText } from '../i18n';
import { useSettings } from '../stores/settings';
import { useStaff } from '../stores/staff';
import { PinInput, PinPad } from './PinPad';

export function LockScreen() {
  const status = useStaff((s) => s.status);
  const [recoveryCode, setRecoveryCode] = useState<string | null>(null);
  if (recoveryCode) return <RecoveryCode code={recoveryCode} onDone={() => setRecoveryCode(null)} />;
  if (!status || status.signedIn) return null;
  return status.ownerSetUp ? <Unlock /> : <OwnerSetup onCode={setRecoveryCode} />;
}

function Shell({ children, testId }: { children: React.ReactNode; testId: string }) {
  const { t } = useTranslation();
  const shopName = useSettings((s) => s.settings?.shopName ?? '');
  return (
    <div className="lock-screen" data-testid={testId} role="dialog" aria-modal="true">
      <div className="lock-box">
        <div className="lock-brand">
          <span className="brand-name">{t('app.title')}</span>
          <span className="shop-name">{shopName}</span>
        </div>
        {children}
      </div>
    </div>
  );
}

function Unlock() {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useCallback(async () => {
    if (busy || pin.length < 4) return;
    setBusy(true);
    const r = await client.call('staff.unlock', { pin });
    setBusy(false);
    setPin('');
    if (r.ok) {
      setError(null);
      useStaff.setState({ status: { ownerSetUp: true, signedIn: r.value } });
    } else setError(r.error);
  }, [busy, pin]);
  return (
    <Shell testId="lock-screen">
      <h2>{t('staff.lock.title')}</h2>
      <p className="muted">{t('staff.lock.hint')}</p>
      <AlertsLine />
      <PinPad value={pin} onChange={setPin} onSubmit={() => void submit()} busy={busy} testId="unlock-pin" globalKeys />
      {error && (
        <p className="form-error" role="alert" data-testid="unlock-error" data-code={error.code}>
          {error.code === 'PIN_WRONG' && typeof error.params?.attemptsLeft === 'number'
            ? t('staff.lock.wrong', { count: error.params.attemptsLeft })
            : errorText(t, error)}
        </p>
      )}
    </Shell>
  );
}

/** Risk alerts since the owner last looked: a count only (anyone can see a lock screen; the owner reads them in Reports). */
function AlertsLine() {
  const { t } = useTranslation();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    void client.call('alerts.summary', {}).then((r) => {
      if (live && r.ok) setCount(r.value.count);
    });
    return () => {
      live = false;
    };
  }, []);
  if (count === 0) return null;
  return (
    <p className="lock-alerts" data-testid="lock-alerts" data-count={count}>
      {t('alerts.lockLine', { count })}
    </p>
  );
}

function OwnerSetup({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameField = useRef<HTMLInputElement>(null);
  // The first field of the first screen a new shop sees: typing starts here.
  useEffect(() => nameField.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setProblem(t('staff.setup.needName'));
    if (!/^\d{4,6}$/.test(pin)) return setProblem(t('staff.setup.pinRule'));
    if (pin !== again) return setProblem(t('staff.setup.mismatch'));
    setBusy(true);
    const r = await client.call('staff.setupOwner', { name: name.trim(), pin });
    setBusy(false);
    if (!r.ok) return setProblem(errorText(t, r.error));
    onCode(r.value.recoveryCode);
    useStaff.setState({ status: { ownerSetUp: true, signedIn: r.value.person } });
  };
  return (
    <Shell testId="owner-setup">
      <h2>{t('staff.setup.title')}</h2>
      <p className="muted">{t('staff.setup.hint')}</p>
      <form className="lock-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          {t('staff.setup.name')}
          <input
            value={name}
            maxLength={40}
            ref={nameField}
            data-testid="setup-name"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          {t('staff.setup.pin')}
          <PinInput value={pin} onChange={setPin} testId="setup-pin" />
        </label>
        <label className="field">
          {t('staff.setup.again')}
          <PinInput value={again} onChange={setAgain} testId="setup-pin-again" />
        </label>
        {problem && (
          <p className="form-error" role="alert" data-testid="setup-error">
            {problem}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="setup-submit">
          {t('staff.setup.submit')}
        </button>
      </form>
    </Shell>
  );
}

function RecoveryCode({ code, onDone }: { code: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Shell testId="recovery-screen">
      <h2>{t('staff.recovery.title')}</h2>
      <p>{t('staff.recovery.hint')}</p>
      <p className="recovery-code" data-testid="recovery-code">
        {code}
      </p>
      <p className="muted">{t('staff.recovery.how')}</p>
      <button type="button" className="btn btn-primary" data-testid="recovery-done" onClick={onDone}>
        {t('staff.recovery.done')}
      </button>
    </Shell>
  );
}
