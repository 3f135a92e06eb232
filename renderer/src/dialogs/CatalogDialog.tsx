// Catalog management: the product table (search, add, edit), CSV import with a preview, CSV export.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type EventPayload, MAX_CSV_BODY_BYTES } from '../../../shared/api';
import type { ImportPreview, Product } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { request } from '../api/call';
import { client } from '../api/client';
import { Modal } from '../components/Modal';
import { useLocale } from '../format';
import { importErrorText } from '../i18n';
import { useCatalog } from '../stores/catalog';
import { useSettings } from '../stores/settings';
import { closeDialog, showToast } from '../stores/ui';
import { ProductEditDialog } from './ProductEditDialog';
import { useBusy } from './useBusy';

const PAGE = 100;

function ProductsTab() {
  const { t } = useTranslation();
  const locale = useLocale();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const text = useCatalog((s) => s.adminText);
  const version = useCatalog((s) => s.version);
  const [items, setItems] = useState<Product[]>([]);
  const [total, setTotal] = useState(0);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const latest = useRef(0);

  const load = async (offset: number) => {
    const seq = ++latest.current;
    const r = await request('products.search', {
      query: text.trim().slice(0, 64),
      includeInactive: true,
      limit: PAGE,
      offset,
    });
    if (!r || seq !== latest.current) return;
    setItems((prev) => (offset ? [...prev, ...r.items] : r.items));
    setTotal(r.total);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the text or the catalog changes
  useEffect(() => {
    const timer = setTimeout(() => void load(0), 120);
    return () => clearTimeout(timer);
  }, [text, version]);

  return (
    <div className="catalog-products">
      <div className="toolbar">
        <input
          className="toolbar-search"
          data-testid="catalog-search"
          data-scan="field"
          data-autofocus
          autoComplete="off"
          spellCheck={false}
          placeholder={t('catalog.search')}
          value={text}
          onChange={(e) => useCatalog.setState({ adminText: e.target.value })}
        />
        <button type="button" className="btn btn-primary" data-testid="catalog-add" onClick={() => setEditing('new')}>
          {t('catalog.add')}
        </button>
        <ExportButton />
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="catalog-table">
          <thead>
            <tr>
              <th>{t('catalog.barcode')}</th>
              <th>{t('catalog.name')}</th>
              <th>{t('catalog.nameEn')}</th>
              <th>{t('catalog.category')}</th>
              <th className="num">{t('catalog.price')}</th>
              <th className="num">{t('catalog.tax')}</th>
              <th>{t('catalog.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr
                key={p.id}
                data-testid="catalog-row"
                data-barcode={p.barcode}
                className={p.active ? '' : 'row-inactive'}
              >
                <td className="mono">{p.barcode}</td>
                <td>{p.name}</td>
                <td>{p.nameEn}</td>
                <td>{p.category}</td>
                <td className="num">{formatMoney(p.priceMinor, currency, locale)}</td>
                <td className="num">{p.taxRateBp / 100}%</td>
                <td>
                  {p.active ? t('catalog.active') : t('catalog.inactive')}
                  {p.isDemo && <span className="tag">{t('catalog.demo')}</span>}
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="catalog-edit"
                    onClick={() => setEditing(p)}
                  >
                    {t('catalog.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <p className="empty">{t('catalog.empty')}</p>}
      </div>
      <div className="toolbar toolbar-foot">
        <span className="muted" data-testid="catalog-count">
          {t('catalog.count', { shown: items.length, total })}
        </span>
        {items.length < total && (
          <button type="button" className="btn" data-testid="catalog-more" onClick={() => void load(items.length)}>
            {t('catalog.loadMore')}
          </button>
        )}
      </div>
      {editing && (
        <ProductEditDialog
          product={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void load(0);
          }}
        />
      )}
    </div>
  );
}

function ExportButton() {
  const { t } = useTranslation();
  const [busy, run] = useBusy();
  const exportCsv = async () => {
    const r = await request('products.exportCsv', {});
    if (!r) return;
    const url = URL.createObjectURL(new Blob([r.csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = r.filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    showToast({ kind: 'success', key: 'catalog.exported', params: { filename: r.filename } });
  };
  return (
    <button
      type="button"
      className="btn"
      data-testid="catalog-export"
      disabled={busy}
      onClick={() => void run(exportCsv)}
    >
      {t('catalog.export')}
    </button>
  );
}

/** Spreadsheets saved on Chinese Windows are often GB18030, not UTF-8. */
async function readCsvFile(file: File): Promise<string> {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const ACTION_KEYS = {
  create: 'import.actionCreate',
  update: 'import.actionUpdate',
  unchanged: 'import.actionUnchanged',
  error: 'import.actionError',
} as const;

type ImportProgress = EventPayload<'catalog.importProgress'>;

const PROGRESS_KEYS = {
  checking: 'import.checking',
  writing: 'import.writing',
  undoing: 'import.undoing',
} as const;

/**
 * How far the preview or import under way is, from the till's catalog.importProgress pushes; after an import,
 * its final state. A big file takes seconds: the till answers other calls meanwhile.
 */
function ImportProgressBar({ progress }: { progress: ImportProgress | 'reading' }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const count = (n: number) => n.toLocaleString(locale);
  if (progress === 'reading') {
    return (
      <div className="import-progress" data-testid="import-progress" data-phase="reading">
        <progress />
        <span>{t('import.reading')}</span>
      </div>
    );
  }
  const { phase, done, total } = progress;
  const finished = phase === 'writing' && done === total;
  return (
    <div
      className="import-progress"
      data-testid="import-progress"
      data-phase={finished ? 'done' : phase}
      data-done={done}
      data-total={total}
    >
      <progress value={done} max={Math.max(total, 1)} />
      <span>{t(finished ? 'import.finished' : PROGRESS_KEYS[phase], { done: count(done), total: count(total) })}</span>
    </div>
  );
}

function ImportTab() {
  const { t } = useTranslation();
  const locale = useLocale();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  /** What the last import did; its rows stay on screen so skipped ones can be fixed. */
  const [result, setResult] = useState<{ created: number; updated: number; skipped: number } | null>(null);
  const [progress, setProgress] = useState<ImportProgress | 'reading' | null>(null);
  /** The call under way, whose progress is shown; null when none is. */
  const running = useRef<ImportProgress['kind'] | null>(null);
  useEffect(
    () =>
      client.on('catalog.importProgress', (p) => {
        // Another window's preview or import is not ours to show.
        if (running.current === p.kind) setProgress(p);
      }),
    [],
  );
  const showPreview = (p: ImportPreview | null) => {
    setPreview(p);
    setResult(null);
    setProgress(null);
  };
  const [busy, run] = useBusy();
  const valid = preview ? preview.creates + preview.updates + preview.unchanged : 0;
  const allRows = preview ? valid + preview.errors : 0;
  /** Runs a preview or an import, showing its progress while it runs. */
  const track = async <T,>(kind: ImportProgress['kind'], task: () => Promise<T>): Promise<T> => {
    running.current = kind;
    setProgress('reading');
    try {
      return await task();
    } finally {
      running.current = null;
    }
  };

  return (
    <div className="catalog-import">
      <p className="hint">{t('import.hint')}</p>
      <div className="file-pick">
        {/* The native file button speaks the browser's language; ours speaks the till's. */}
        <label className="btn">
          {t('import.chooseFile')}
          <input
            type="file"
            className="visually-hidden"
            accept=".csv,text/csv,text/plain"
            data-testid="import-file"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              try {
                const text = await readCsvFile(file);
                // The till takes at most 5 MB in one call: say so now, with the file's name, not after sending.
                if (new TextEncoder().encode(JSON.stringify({ csv: text })).length > MAX_CSV_BODY_BYTES) {
                  showToast({
                    kind: 'error',
                    key: 'import.tooLarge',
                    params: { filename: file.name, limitMb: MAX_CSV_BODY_BYTES / 1024 / 1024 },
                  });
                  e.target.value = '';
                  return;
                }
                setCsv(text);
                setFileName(file.name);
                showPreview(null);
              } catch {
                showToast({ kind: 'error', key: 'import.readFailed' });
              }
            }}
          />
        </label>
        <span className="muted" data-testid="import-file-name">
          {fileName || t('import.noFile')}
        </span>
      </div>
      <label className="field">
        <span>{t('import.paste')}</span>
        <textarea
          className="csv-text"
          data-testid="import-text"
          data-scan="field"
          spellCheck={false}
          rows={6}
          value={csv}
          onChange={(e) => {
            setCsv(e.target.value);
            showPreview(null);
          }}
        />
      </label>
      <div className="button-row">
        <button
          type="button"
          className="btn"
          data-testid="import-preview-button"
          disabled={busy || !csv.trim()}
          onClick={() =>
            run(async () => {
              const r = await track('preview', () => request('products.importPreview', { csv }));
              if (r) showPreview(r);
              else setProgress(null);
            })
          }
        >
          {t('import.preview')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="import-confirm"
          disabled={busy || !preview || valid === 0 || result !== null}
          onClick={() =>
            run(async () => {
              const r = await track('import', () => request('products.import', { csv }));
              if (!r) {
                setProgress(null);
                return;
              }
              // The result shows in place of the preview summary, no toast needed.
              setPreview(r.preview);
              setResult({ created: r.created, updated: r.updated, skipped: r.skipped });
              // The last push may come after the answer: the bar ends full either way.
              const rows = r.preview.creates + r.preview.updates + r.preview.unchanged + r.preview.errors;
              setProgress({ kind: 'import', phase: 'writing', done: rows, total: rows });
            })
          }
        >
          {t('import.importValid', { count: valid })}
        </button>
      </div>
      {progress && <ImportProgressBar progress={progress} />}
      {preview && (
        <>
          <p className="import-summary" data-testid="import-summary" data-imported={result !== null}>
            {result ? t('import.done', result) : t('import.summary', preview)}
          </p>
          {preview.rows.length < allRows && (
            <p className="muted" data-testid="import-rows-shown">
              {t('import.rowsShown', {
                shown: preview.rows.length.toLocaleString(locale),
                total: allRows.toLocaleString(locale),
              })}
            </p>
          )}
          <div className="table-wrap">
            <table className="table" data-testid="import-preview">
              <thead>
                <tr>
                  <th className="num">{t('import.line')}</th>
                  <th>{t('catalog.barcode')}</th>
                  <th>{t('catalog.name')}</th>
                  <th className="num">{t('catalog.price')}</th>
                  <th>{t('import.action')}</th>
                  <th>{t('import.errors')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr
                    key={row.line}
                    data-testid="import-row"
                    data-line={row.line}
                    data-action={row.action}
                    className={row.action === 'error' ? 'row-error' : ''}
                  >
                    <td className="num">{row.line}</td>
                    <td className="mono">{row.barcode}</td>
                    <td>{row.name}</td>
                    <td className="num">
                      {row.priceMinor === null ? '' : formatMoney(row.priceMinor, currency, locale)}
                    </td>
                    <td>
                      <span className={`tag tag-${row.action}`}>{t(ACTION_KEYS[row.action])}</span>
                    </td>
                    <td data-testid="import-row-errors">
                      {row.errors.map((e) => (
                        <div key={`${e.field}:${e.code}`} data-code={e.code}>
                          {importErrorText(t, e)}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

export function CatalogDialog() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'products' | 'import'>('products');
  return (
    <Modal title={t('catalog.title')} onClose={closeDialog} testId="catalog-dialog" size="full">
      <div className="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'products'}
          className={`tab${tab === 'products' ? ' tab-on' : ''}`}
          data-testid="catalog-tab-products"
          onClick={() => setTab('products')}
        >
          {t('catalog.tabProducts')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'import'}
          className={`tab${tab === 'import' ? ' tab-on' : ''}`}
          data-testid="catalog-tab-import"
          onClick={() => setTab('import')}
        >
          {t('catalog.tabImport')}
        </button>
      </div>
      {tab === 'products' ? <ProductsTab /> : <ImportTab />}
    </Modal>
  );
}
