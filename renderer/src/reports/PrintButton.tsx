// "Print": the till builds the printable report (its charts drawn on the server) and the page prints it from a
// hidden frame: Electron denies new windows, and a frame's srcdoc needs no address the page's CSP would refuse.
// The system print dialog also offers "Save as PDF"; the desktop app also saves one itself (Chromium's printToPDF).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportRange } from '../../../shared/report';
import { request } from '../api/call';
import { useSettings } from '../stores/settings';
import { downloadText } from './CsvExport';

/** The printed page in the language on screen. */
const pageLanguage = (ui: string) => (ui === 'en' ? 'en' : 'zh-CN');

function printHtml(html: string): void {
  document.getElementById('report-print-frame')?.remove();
  const frame = document.createElement('iframe');
  frame.id = 'report-print-frame';
  frame.title = 'print';
  frame.className = 'print-frame';
  frame.addEventListener('load', () => frame.contentWindow?.print(), { once: true });
  frame.srcdoc = html;
  document.body.append(frame);
}

export function PrintButton({ range }: { range: ReportRange }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const print = async () => {
    setBusy(true);
    const page = await request('reports.printable', { ...range, language: pageLanguage(i18n.language) });
    setBusy(false);
    if (page) printHtml(page.html);
  };
  return (
    <button type="button" className="btn" data-testid="report-print" disabled={busy} onClick={() => void print()}>
      {busy ? t('reports.export.printing') : t('reports.export.print')}
    </button>
  );
}

/** "Save as PDF" in the desktop app: the same printable page, laid out as A4 by the till. */
export function PdfButton({ range }: { range: ReportRange }) {
  const { t, i18n } = useTranslation();
  const desktop = useSettings((s) => s.info?.mode === 'electron');
  const [busy, setBusy] = useState(false);
  if (!desktop) return null;
  const save = async () => {
    setBusy(true);
    const file = await request('reports.pdf', { ...range, language: pageLanguage(i18n.language) });
    setBusy(false);
    if (file) {
      const bytes = Uint8Array.from(atob(file.pdfBase64), (c) => c.charCodeAt(0));
      downloadText(bytes, file.filename, 'application/pdf');
    }
  };
  return (
    <button type="button" className="btn" data-testid="report-pdf" disabled={busy} onClick={() => void save()}>
      {busy ? t('reports.export.printing') : t('reports.export.pdf')}
    </button>
  );
}
