// A PIN typed on the keyboard (digits, Backspace, Enter) or tapped on the pad; shown as dots, never as digits.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;
export const PIN_MAX = 6;

interface PinPadProps {
  value: string;
  onChange: (pin: string) => void;
  onSubmit: () => void;
  busy?: boolean;
  testId: string;
  /** Listen to the whole window's keys (the lock screen); a pad inside a form uses its own input instead. */
  globalKeys?: boolean;
}

export function PinPad({ value, onChange, onSubmit, busy, testId, globalKeys }: PinPadProps) {
  const { t } = useTranslation();
  const press = (k: (typeof KEYS)[number]) => {
    if (k === 'clear') onChange('');
    else if (k === 'back') onChange(value.slice(0, -1));
    else if (value.length < PIN_MAX) onChange(value + k);
  };

  useEffect(() => {
    if (!globalKeys) return;
    const onKey = (e: KeyboardEvent) => {
      if (/^\d$/.test(e.key)) {
        if (value.length < PIN_MAX) onChange(value + e.key);
      } else if (e.key === 'Backspace') onChange(value.slice(0, -1));
      else if (e.key === 'Escape') onChange('');
      else if (e.key === 'Enter') onSubmit();
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    // Capture: the cashier screen's scanner listener must not see a PIN.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [globalKeys, value, onChange, onSubmit]);

  return (
    <div className="pin-pad" data-testid={testId}>
      <div className="pin-dots" data-testid={`${testId}-dots`} data-length={value.length} aria-live="polite">
        {Array.from({ length: PIN_MAX }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the dots are positions
          <span key={i} className={i < value.length ? 'pin-dot filled' : 'pin-dot'} />
        ))}
      </div>
      <div className="pin-keys">
        {KEYS.map((k) => (
          <button
            key={k}
            type="button"
            className="btn pin-key"
            data-testid={`pin-key-${k}`}
            disabled={busy}
            onClick={() => press(k)}
          >
            {k === 'clear' ? t('staff.pin.clear') : k === 'back' ? '⌫' : k}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="btn btn-primary pin-enter"
        data-testid={`${testId}-enter`}
        disabled={busy || value.length < 4}
        onClick={onSubmit}
      >
        {t('staff.pin.enter')}
      </button>
    </div>
  );
}

/** Only the digits of what was typed or pasted, at most PIN_MAX. */
export function pinDigits(text: string): string {
  return text.replace(/\D/g, '').slice(0, PIN_MAX);
}

/** A PIN typed into a form (never shown): digits only. */
export function PinInput({
  value,
  onChange,
  testId,
  label,
}: {
  value: string;
  onChange: (pin: string) => void;
  testId: string;
  label?: string;
}) {
  return (
    <input
      type="password"
      inputMode="numeric"
      autoComplete="new-password"
      aria-label={label}
      placeholder={label}
      value={value}
      data-testid={testId}
      onChange={(e) => onChange(pinDigits(e.target.value))}
    />
  );
}
