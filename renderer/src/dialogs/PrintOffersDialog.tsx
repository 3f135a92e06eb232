// Receipts waiting for the cashier (the header's "to check: N"): each may have printed already, waited too
// long for the printer, or belongs to a sale completed later. The cashier prints it again (重打 / REPRINT,
// never the drawer) or skips it; nothing here prints by itself.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrintOffer } from '../../../shared/printer';
import { Modal } from '../components/Modal';
import { formatTime, useLocale } from '../format';
import { loadOffers, printOffer, skipOffer, usePrinter } from '../stores/printer';
import { closeDialog } from '../stores/ui';
import { useBusy } from './useBusy';

export function PrintOffersDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [offers, setOffers] = useState<PrintOffer[] | null>(null);
  const [busy, run] = useBusy();
  // The pushed status counts offers: reload the list whenever that count moves (a new offer, one answered).
  const offered = usePrinter((s) => s.status?.offered ?? 0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the offered count changes
  useEffect(() => {
    let live = true;
    void loadOffers().then((list) => {
      if (live && list) setOffers(list);
    });
    return () => {
      live = false;
    };
  }, [offered]);

  const print = async (offer: PrintOffer) => {
    if (await printOffer(offer)) setOffers((list) => list?.filter((o) => o.orderId !== offer.orderId) ?? null);
  };
  const skip = async (offer: PrintOffer) => {
    const left = await skipOffer(offer.jobId);
    if (left) setOffers(left);
  };

  return (
    <Modal title={t('printer.offers.title')} onClose={closeDialog} testId="print-offers" size="sm">
      <p className="muted">{t('printer.offers.intro')}</p>
      {offers?.length === 0 && (
        <p className="muted" data-testid="print-offers-empty">
          {t('printer.offers.none')}
        </p>
      )}
      <ul className="attention-list">
        {(offers ?? []).map((offer) => (
          <li
            key={offer.jobId}
            className="attention-item"
            data-testid="print-offer"
            data-job-id={offer.jobId}
            data-order-id={offer.orderId}
            data-reason={offer.reason}
          >
            <div className="attention-main">
              <span className="attention-order">{t('cash.orderNumber', { number: offer.orderNumber })}</span>
              <span className="history-time">{formatTime(offer.createdAt, locale)}</span>
              <span className="attention-reason">{t(`printer.offers.reason.${offer.reason}`)}</span>
            </div>
            <div className="button-row">
              <button
                type="button"
                className="btn btn-primary"
                data-testid="print-offer-print"
                disabled={busy}
                onClick={() => void run(() => print(offer))}
              >
                {t('printer.offers.print')}
              </button>
              <button
                type="button"
                className="btn"
                data-testid="print-offer-skip"
                disabled={busy}
                onClick={() => void run(() => skip(offer))}
              >
                {t('printer.offers.skip')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button type="button" className="btn" onClick={closeDialog}>
          {t('common.close')}
        </button>
      </div>
    </Modal>
  );
}
