// Non-blocking messages at the bottom of the screen; they never take focus.
import { useTranslation } from 'react-i18next';
import { useMoney } from '../format';
import { errorText } from '../i18n';
import { dismissToast, useUi } from '../stores/ui';

export function Toasts() {
  const { t } = useTranslation();
  const toasts = useUi((s) => s.toasts);
  const money = useMoney();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <button
          type="button"
          tabIndex={-1}
          key={toast.id}
          className={`toast toast-${toast.kind}`}
          data-testid="toast"
          data-kind={toast.kind}
          data-code={toast.error?.code}
          // A tap dismisses it without taking focus from the search box.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => dismissToast(toast.id)}
        >
          {toast.error
            ? errorText(t, toast.error, (minor) => money(minor))
            : toast.key
              ? t(toast.key as never, toast.params)
              : null}
        </button>
      ))}
    </div>
  );
}
