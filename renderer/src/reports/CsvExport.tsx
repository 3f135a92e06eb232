// A range's orders, lines and payments as CSV files for the accountant (Excel opens them as they are): in the
// Z dialog for its day, on /reports for the chosen range.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api/call';

export type CsvKind = 'orders' | 'lines' | 'payments';

/** Hands a file (text or bytes) to the browser as a download (Electron and the host's browser alike). */
export function downloadText(text: BlobPart, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function CsvExport({
  fromDay,
  toDay,
  label,
  className,
  testId,
}: {
  fromDay: string;
  toDay: string;
  label: ReactNode;
  className: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const download = async (kind: CsvKind) => {
    const file = await request('reports.exportCsv', { kind, fromDay, toDay });
    if (file) downloadText(file.csv, file.filename, 'text/csv;charset=utf-8');
  };
  return (
    <section className={className} data-testid={testId}>
      <span>{label}</span>
      {(['orders', 'lines', 'payments'] as const).map((kind) => (
        <button
          key={kind}
          type="button"
          className="btn btn-small"
          data-testid={`csv-${kind}`}
          onClick={() => void download(kind)}
        >
          {t(`zreport.csvKind.${kind}`)}
        </button>
      ))}
    </section>
  );
}
