// "New sale" at the end of a sale (cash or QR): focused when it appears, so Enter starts the next customer.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { closeDialog } from '../stores/ui';

export function NewSaleButton() {
  const { t } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <button
      type="button"
      ref={button}
      className="btn btn-primary btn-wide"
      data-testid="new-sale"
      onClick={closeDialog}
    >
      {t('cash.newSale')}
    </button>
  );
}
