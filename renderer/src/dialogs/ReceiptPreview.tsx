// The receipt on screen exactly as the printer lays it out (the HTML main renders from the same model as the
// ESC/POS bytes). Shown in a sandboxed frame: its page carries its own styles and runs nothing, and says itself
// which characters the printer cannot print.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrinterSettings, ReceiptPreview as Preview } from '../../../shared/printer';
import { request } from '../api/call';
import { Modal } from '../components/Modal';

interface Props {
  /** A completed order; undefined: the sample receipt. */
  orderId?: number;
  orderNumber?: string;
  /** Settings being edited, not saved yet: the sample shows them. */
  layout?: Pick<PrinterSettings, 'columns' | 'header' | 'footer'>;
  onClose: () => void;
}

export function ReceiptPreviewDialog({ orderId, orderNumber, layout, onClose }: Props) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<Preview | null>(null);
  // Read once, when the preview opens: typing on behind it does not redraw it.
  const [shown] = useState(layout);

  useEffect(() => {
    let live = true;
    void request('printer.preview', {
      ...(orderId === undefined ? {} : { orderId }),
      ...(shown ? { layout: shown } : {}),
    }).then((p) => {
      if (!live) return;
      if (p) setPreview(p);
      else onClose();
    });
    return () => {
      live = false;
    };
  }, [orderId, shown, onClose]);

  const title =
    orderId === undefined
      ? t('printer.preview.sampleTitle')
      : t('printer.preview.title', { number: orderNumber ?? '' });
  return (
    <Modal title={title} onClose={onClose} testId="receipt-preview" size="md">
      {orderId === undefined && <p className="muted">{t('printer.preview.sampleNote')}</p>}
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
