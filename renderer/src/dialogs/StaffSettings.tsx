// Settings → Staff (the owner): cashiers with their PINs, who is active, and the till's rules (auto-lock, the
// discount limit). A cashier sees only that this is the owner's.
import { PinInput } from '../components/PinPad';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../shared/domain';
import type { StaffMember } from '../../../shared/staff';
import { request } from '../api/call';
import { updateSettings } from '../stores/settings';
import { useStaff } from '../stores/staff';
import { showToast } from '../stores/ui';
import { useBusy } from './useBusy';

export function StaffSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const owner = useStaff((s) => s.status?.signedIn?.role === 'owner');
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [newPins, setNewPins] = useState<Record<number, string>>({});
  const [rules, setRules] = useState(settings.staffRules);
  const [busy, run] = useBusy();

  const load = useCallback(async () => {
    const list = await request('staff.list', {});
    if (list) setStaff(list);
  }, []);
  useEffect(() => {
    if (owner) void load();
  }, [owner, load]);

  if (!owner) {
    return (
      <section className="settings-section" data-testid="settings-staff">
        <h3>{t('staff.settings.title')}</h3>
        <p className="muted">{t('staff.settings.ownerOnly')}</p>
      </section>
    );
  }

  const save = (input: Parameters<typeof request<'staff.save'>>[1], after?: () => void) =>
    run(async () => {
      if (await request('staff.save', input)) {
        showToast({ kind: 'success', key: 'staff.settings.saved' });
        after?.();
        await load();
      }
    });

  return (
    <section className="settings-section" data-testid="settings-staff">
      <h3>{t('staff.settings.title')}</h3>
      <ul className="staff-list">
        {staff.map((m) => (
          <li key={m.id} data-testid="staff-member" data-name={m.name} data-active={m.active}>
            <span className="staff-name">{m.name}</span>{' '}
            <span className="muted">
              {t(`staff.settings.role.${m.role}`)}
              {!m.active && ` · ${t('staff.settings.inactive')}`}
            </span>
            <PinInput
              value={newPins[m.id] ?? ''}
              onChange={(pin) => setNewPins({ ...newPins, [m.id]: pin })}
              testId="staff-pin"
              label={`${t('staff.settings.newPin')} ${m.name}`}
            />
            <button
              type="button"
              className="btn"
              disabled={busy || (newPins[m.id] ?? '').length < 4}
              onClick={() => void save({ id: m.id, pin: newPins[m.id] }, () => setNewPins({ ...newPins, [m.id]: '' }))}
            >
              {t('staff.settings.setPin')}
            </button>
            {m.role === 'cashier' && (
              <button
                type="button"
                className="btn"
                data-testid="staff-toggle-active"
                disabled={busy}
                onClick={() => void save({ id: m.id, active: !m.active })}
              >
                {m.active ? t('staff.settings.deactivate') : t('staff.settings.activate')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="shop-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ name: name.trim(), pin }, () => {
            setName('');
            setPin('');
          });
        }}
      >
        <label className="field">
          <span>{t('staff.settings.name')}</span>
          <input value={name} maxLength={40} data-testid="staff-new-name" onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('staff.settings.pin')}</span>
          <PinInput value={pin} onChange={setPin} testId="staff-new-pin" />
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="staff-add"
          disabled={busy || !name.trim() || pin.length < 4}
        >
          {t('staff.settings.add')}
        </button>
      </form>
      <form
        className="shop-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            if (await updateSettings({ staffRules: rules })) showToast({ kind: 'success', key: 'settings.saved' });
          });
        }}
      >
        <label className="field">
          <span>{t('staff.settings.autoLock')}</span>
          <input
            type="number"
            min={0}
            max={240}
            data-testid="staff-auto-lock"
            value={rules.autoLockMinutes}
            onChange={(e) => setRules({ ...rules, autoLockMinutes: Math.max(0, Math.trunc(Number(e.target.value))) })}
          />
        </label>
        <label className="field">
          <span>{t('staff.settings.discountLimit')}</span>
          <input
            type="number"
            min={0}
            max={100}
            data-testid="staff-discount-limit"
            value={rules.discountLimitPercent}
            onChange={(e) =>
              setRules({ ...rules, discountLimitPercent: Math.max(0, Math.trunc(Number(e.target.value))) })
            }
          />
        </label>
        <button type="submit" className="btn" disabled={busy} data-testid="staff-rules-save">
          {t('staff.settings.rulesSave')}
        </button>
      </form>
    </section>
  );
}
