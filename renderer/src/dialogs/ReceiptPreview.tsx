// The receipt on screen exactly as the printer lays it out (the HTML main renders from the same model as the
// ESC/POS bytes). Shown in a sandboxed frame: its page carries its own styles and runs nothing.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReceiptPreview as Preview } from '../../../shared/printer';
import { request } from '../api/call';
import { Modal } from '../components/Modal';

interface Props {
  /** A completed order; undefined: the sample receipt. */
  orderId?: number;
  orderNumber?: string;
  onClose: () => void;
}

export function ReceiptPreviewDialog({ orderId, orderNumber, onClose }: Props) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<Preview | null>(null);

  useEffect(() => {
    let live = true;
    void request('printer.preview', orderId === undefined ? {} : { orderId }).then((p) => {
      if (!live) return;
      if (p) setPreview(p);
      else onClose();
    });
    return () => {
      live = false;
    };
  }, [orderId, onClose]);

  const title =
    orderId === undefined ? t('printer.preview.sampleTitle') : t('printer.preview.title', { number: orderNumber ?? '' });
  return (
    <Modal title={title} onClose={onClose} testId="receipt-preview" size="md">
      {orderId === undefined && <p className="muted">{t('printer.preview.sampleNote')}</p>}
      {preview && preview.unprintable.length > 0 && (
        <p className="receipt-preview-warn" role="alert" data-testid="receipt-preview-unprintable">
          {t('printer.preview.unprintable', { chars: preview.unprintable.join(' ') })}
        </p>
      )}
      {preview && (
        <iframe
          className="receipt-preview-frame"
          title={t('printer.preview.frame')}
          data-testid="receipt-preview-frame"
          data-columns={preview.columns}
          sandbox=""
          srcDoc={preview.html}
        />
      )}
    </Modal>
  );
}
