// Settings → Serial scanner: the port (picked from the machine's list, or typed where listing fails), its
// speed, and whether the till has it open now.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../shared/domain';
import { parseScannerUri, type SerialPortList } from '../../../shared/scanner';
import { loadSerialPorts, useScanner } from '../stores/scanner';
import { updateSettings } from '../stores/settings';
import { showToast } from '../stores/ui';
import { useBusy } from './useBusy';

const BAUDS = [9600, 19200, 38400, 57600, 115200];

function initial(uri: string | null): { path: string; baud: number } {
  if (!uri) return { path: '', baud: 9600 };
  try {
    return parseScannerUri(uri);
  } catch {
    return { path: '', baud: 9600 };
  }
}

export function ScannerSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const status = useScanner((s) => s.status);
  const start = initial(settings.scannerSerial);
  const [path, setPath] = useState(start.path);
  const [baud, setBaud] = useState(start.baud);
  const [ports, setPorts] = useState<SerialPortList | null>(null);
  const [busy, run] = useBusy();

  useEffect(() => {
    void loadSerialPorts().then(setPorts);
  }, []);

  const save = () =>
    run(async () => {
      const p = path.trim();
      if (await updateSettings({ scannerSerial: p ? `serial:${p}?baud=${baud}` : null })) {
        showToast({ kind: 'success', key: 'settings.saved' });
      }
    });

  return (
    <section className="settings-section" data-testid="scanner-settings">
      <h3>{t('scanner.settings.title')}</h3>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          <span>{t('scanner.settings.port')}</span>
          <input
            data-testid="scanner-port"
            list="scanner-ports"
            value={path}
            placeholder="/dev/ttyUSB1 · COM4"
            onChange={(e) => setPath(e.target.value)}
          />
          <datalist id="scanner-ports">
            {ports?.ok && ports.ports.map((p) => <option key={p.path} value={p.path} label={p.label ?? undefined} />)}
          </datalist>
          <small className="muted" data-testid="scanner-ports">
            {ports === null
              ? t('common.loading')
              : ports.ok
                ? ports.ports.length
                  ? t('scanner.settings.ports', { list: ports.ports.map((p) => p.path).join(', ') })
                  : t('scanner.settings.noPorts')
                : t('scanner.settings.cannotList', { reason: ports.reason })}
          </small>
        </label>
        <label className="field">
          <span>{t('scanner.settings.baud')}</span>
          <select data-testid="scanner-baud" value={baud} onChange={(e) => setBaud(Number(e.target.value))}>
            {BAUDS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <p className="muted">{t('scanner.settings.hint')}</p>
        <div className="button-row">
          <button type="submit" className="btn btn-primary" data-testid="scanner-save" disabled={busy}>
            {t('scanner.settings.save')}
          </button>
        </div>
        {status && (
          <p
            className="muted"
            data-testid="scanner-settings-status"
            data-state={status.state}
            title={status.detail ?? ''}
          >
            {t(`scanner.state.${status.state}`)}
          </p>
        )}
      </form>
    </section>
  );
}
