// A dialog over the screen. Esc closes the topmost one (see closeTopModal); focus returns to where it was.
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

const stack: { close: () => void }[] = [];

/** Closes the topmost dialog; false if none is open. */
export function closeTopModal(): boolean {
  const top = stack.at(-1);
  if (!top) return false;
  top.close();
  return true;
}

export function isModalOpen(): boolean {
  return stack.length > 0;
}

interface ModalProps {
  title: ReactNode;
  onClose: () => void;
  testId: string;
  size?: 'sm' | 'md' | 'lg' | 'full';
  children: ReactNode;
  footer?: ReactNode;
  /** Extra data-* attributes on the dialog element (state tests and styles read, e.g. data-status). */
  data?: Record<`data-${string}`, string | number | boolean | undefined>;
}

export function Modal({ title, onClose, testId, size = 'md', children, footer, data }: ModalProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const entry = { close: () => closeRef.current() };
    stack.push(entry);
    const previous = document.activeElement as HTMLElement | null;
    // Focus what the dialog marks with data-autofocus, else the dialog itself.
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus]');
    (first ?? box.current)?.focus();
    return () => {
      stack.splice(stack.indexOf(entry), 1);
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  return (
    <div className="modal-backdrop">
      <div
        ref={box}
        className={`modal modal-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        {...data}
        tabIndex={-1}
      >
        <header className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-btn"
            onClick={onClose}
            aria-label={t('common.close')}
            data-testid="modal-close"
          >
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-foot">{footer}</footer>}
      </div>
    </div>
  );
}
