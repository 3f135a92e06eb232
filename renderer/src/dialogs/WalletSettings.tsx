// Settings → Payments → real wallets: one section per wallet (支付宝 / 微信支付). Ids in clear, secrets only
// as "set · ends in …1a2b" (the till never sends a secret back); paste a key or pick its file (read here,
// sent as text), Test connection, Remove, and Import of a pay-config JSON file for both at once.
import { QRCodeSVG } from 'qrcode.react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, TestPayView } from '../../../shared/api';
import type { ConnectionTestView, PaySettingsView, PayWallet, SecretMask } from '../../../shared/pay-config';
import { client } from '../api/client';
import { showError, showToast } from '../stores/ui';
import { useBusy } from './useBusy';

type TextField = { name: string; label: string; placeholder?: string };
type SecretField = { name: string; label: string; pem: boolean };

const FIELDS: Record<PayWallet, { text: TextField[]; secrets: SecretField[] }> = {
  alipay: {
    text: [
      { name: 'appId', label: 'APPID' },
      { name: 'endpoint', label: 'endpoint', placeholder: 'https://openapi.alipay.com' },
    ],
    secrets: [
      { name: 'privateKey', label: 'privateKey', pem: true },
      { name: 'alipayPublicKey', label: 'alipayPublicKey', pem: true },
      { name: 'appCert', label: 'appCert', pem: true },
      { name: 'alipayPublicCert', label: 'alipayPublicCert', pem: true },
      { name: 'alipayRootCert', label: 'alipayRootCert', pem: true },
    ],
  },
  wechatpay: {
    text: [
      { name: 'mchId', label: 'mchId' },
      { name: 'appId', label: 'appId' },
      { name: 'merchantSerialNo', label: 'merchantSerialNo' },
      { name: 'platformPublicKeyId', label: 'platformPublicKeyId', placeholder: 'PUB_KEY_ID_…' },
      { name: 'baseUrl', label: 'baseUrl', placeholder: 'https://api.mch.weixin.qq.com/' },
      { name: 'notifyUrl', label: 'notifyUrl', placeholder: 'https://your-shop.example/pay/notify' },
    ],
    secrets: [
      { name: 'privateKey', label: 'privateKey', pem: true },
      { name: 'apiV3Key', label: 'apiV3Key', pem: false },
      { name: 'platformPublicKey', label: 'platformPublicKey', pem: true },
    ],
  },
};

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

/** A refusal naming fields (INVALID_INPUT with params.fields) is shown in place; anything else as a toast. */
function refusalLines(error: ApiError): string[] | null {
  if (error.code !== 'INVALID_INPUT' || error.params?.fields === undefined) return null;
  return error.message.split(/;\s*|\n\s*/).filter(Boolean);
}

export function WalletSettings() {
  const { t } = useTranslation();
  const [view, setView] = useState<PaySettingsView | null>(null);
  const [refused, setRefused] = useState<string[] | null>(null);
  const [busy, run] = useBusy();

  useEffect(() => {
    void client.call('paySettings.get', {}).then((r) => (r.ok ? setView(r.value) : showError(r.error)));
  }, []);

  const importFile = (file: File) =>
    run(async () => {
      const json = await readFile(file);
      const r = await client.call('paySettings.import', { json });
      if (r.ok) {
        setView(r.value);
        setRefused(null);
        showToast({ kind: 'success', key: 'wallets.imported' });
      } else {
        const lines = refusalLines(r.error);
        if (lines) setRefused(lines);
        else showError(r.error);
      }
    });

  return (
    <section className="settings-section" data-testid="settings-wallets">
      <h3>{t('wallets.title')}</h3>
      <p className="hint">{view?.demoOffered === false ? t('wallets.demoOff') : t('wallets.demoOn')}</p>
      <label className="btn">
        {t('wallets.import')}
        <input
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="wallets-import-file"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </label>
      {refused && (
        <div className="reason-error" data-testid="wallets-import-refused">
          <p>{t('wallets.refused')}</p>
          <ul>
            {refused.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {view &&
        (['alipay', 'wechatpay'] as const).map((w) => (
          <WalletSection key={`${w}-${view[w].state}`} wallet={w} view={view} onChange={setView} />
        ))}
    </section>
  );
}

/** How often the one-fen test asks the till while its QR shows. */
const TEST_PAY_POLL_MS = 1500;

/**
 * "Pay ¥0.01 yourself": a QR for one fen of this wallet, paid with the owner's own phone and refunded at once.
 * It proves what Test connection cannot (the product is enabled, money arrives). Never a sale.
 */
function OneFenTest({ wallet }: { wallet: PayWallet }) {
  const { t } = useTranslation();
  const [trade, setTrade] = useState<TestPayView | null>(null);
  const [busy, run] = useBusy();
  const live =
    trade !== null && (trade.state === 'waiting' || trade.state === 'paid' || trade.state === 'refund_pending');
  const number = trade?.tradeNumber;

  useEffect(() => {
    if (!live || !number) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const ask = async () => {
      const r = await client.call('paySettings.testPayCheck', { tradeNumber: number });
      if (stopped) return;
      if (r.ok) setTrade(r.value);
      timer = setTimeout(() => void ask(), TEST_PAY_POLL_MS);
    };
    timer = setTimeout(() => void ask(), TEST_PAY_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [live, number]);

  const start = () =>
    run(async () => {
      const r = await client.call('paySettings.testPay', { wallet });
      if (r.ok) setTrade(r.value);
      else showError(r.error);
    });
  const cancel = () =>
    run(async () => {
      if (!number) return;
      const r = await client.call('paySettings.testPayCancel', { tradeNumber: number });
      if (r.ok) setTrade(r.value);
      else showError(r.error);
    });

  return (
    <div className="wallet-test-pay" data-testid={`wallet-${wallet}-testpay`} data-state={trade?.state ?? ''}>
      {trade?.state === 'waiting' && trade.qrContent && (
        <div className="cd-qr wallet-test-qr" data-testid={`wallet-${wallet}-testpay-qr`}>
          <QRCodeSVG value={trade.qrContent} size={180} level="M" marginSize={4} />
        </div>
      )}
      {trade && (
        <p
          className={trade.state === 'failed' || trade.state === 'refund_pending' ? 'reason-error' : 'muted'}
          data-testid={`wallet-${wallet}-testpay-state`}
        >
          {t(`wallets.testPay.${trade.state}`)}
          {trade.detail ? ` (${trade.detail})` : ''}
        </p>
      )}
      <div className="button-row">
        {live && trade?.state === 'waiting' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => void cancel()}>
            {t('common.cancel')}
          </button>
        ) : (
          <button
            type="button"
            className="btn"
            data-testid={`wallet-${wallet}-testpay-start`}
            disabled={busy || live}
            onClick={() => void start()}
          >
            {t('wallets.testPay.button')}
          </button>
        )}
      </div>
    </div>
  );
}

function WalletSection({
  wallet,
  view,
  onChange,
}: {
  wallet: PayWallet;
  view: PaySettingsView;
  onChange: (v: PaySettingsView) => void;
}) {
  const { t } = useTranslation();
  const current = view[wallet] as unknown as Record<string, unknown> & { state: string };
  const fields = FIELDS[wallet];
  const [text, setText] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.text.map((f) => [f.name, (current[f.name] as string | null) ?? ''])),
  );
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [refused, setRefused] = useState<string[] | null>(null);
  const [test, setTest] = useState<ConnectionTestView | null>(null);
  const [busy, run] = useBusy();
  const problem = view.problems.find((p) => p.wallet === wallet);

  const answer = (r: Awaited<ReturnType<typeof client.call<'paySettings.save'>>>) => {
    if (r.ok) {
      setRefused(null);
      setSecrets({});
      onChange(r.value);
      showToast({ kind: 'success', key: 'settings.saved' });
      return;
    }
    const lines = refusalLines(r.error);
    if (lines) setRefused(lines);
    else showError(r.error);
  };

  const save = () =>
    run(async () => {
      const changed: Record<string, string> = {};
      for (const f of fields.text)
        if (text[f.name].trim() !== ((current[f.name] as string | null) ?? '')) changed[f.name] = text[f.name];
      for (const [k, v] of Object.entries(secrets)) if (v.trim()) changed[k] = v;
      answer(await client.call('paySettings.save', { wallet, fields: changed } as never));
    });
  const remove = () =>
    run(async () => {
      setTest(null);
      answer(await client.call('paySettings.remove', { wallet }));
    });
  const testConnection = () =>
    run(async () => {
      setTest(null);
      const r = await client.call('paySettings.test', { wallet });
      if (r.ok) setTest(r.value);
      else showError(r.error);
    });

  const maskText = (m: SecretMask | null | undefined) =>
    m ? t('wallets.secretSet', { hint: m.hint }) : t('wallets.secretNotSet');

  return (
    <fieldset className="plain-fieldset" data-testid={`wallet-${wallet}`} data-state={current.state}>
      <legend>{t(`wallets.name.${wallet}`)}</legend>
      <p data-testid={`wallet-${wallet}-state`}>
        {t(`wallets.state.${current.state as 'not_set' | 'set' | 'needs_reentry'}`)}
      </p>
      {problem && (
        <p className="reason-error" data-testid={`wallet-${wallet}-problem`}>
          {t('wallets.notOffered', { detail: problem.message })}
        </p>
      )}
      <div className="form-cols">
        {fields.text.map((f) => (
          <label key={f.name} className="field">
            <span>{t(`wallets.field.${wallet}.${f.name}` as never)}</span>
            <input
              data-testid={`wallet-${wallet}-${f.name}`}
              placeholder={f.placeholder}
              value={text[f.name]}
              spellCheck={false}
              onChange={(e) => setText({ ...text, [f.name]: e.target.value })}
            />
          </label>
        ))}
      </div>
      {fields.secrets.map((f) => {
        const id = `wallet-${wallet}-${f.name}`;
        const edit = (value: string) => setSecrets({ ...secrets, [f.name]: value });
        return (
          <div key={f.name} className="field">
            <label htmlFor={id}>
              {t(`wallets.field.${wallet}.${f.name}` as never)}{' '}
              <small data-testid={`${id}-mask`}>{maskText(current[f.name] as SecretMask | null)}</small>
            </label>
            {f.pem ? (
              <textarea
                id={id}
                rows={2}
                spellCheck={false}
                autoComplete="off"
                data-testid={`${id}-input`}
                placeholder={t('wallets.pastePem')}
                value={secrets[f.name] ?? ''}
                onChange={(e) => edit(e.target.value)}
              />
            ) : (
              <input
                id={id}
                type="password"
                autoComplete="off"
                data-testid={`${id}-input`}
                placeholder={t('wallets.keepSecret')}
                value={secrets[f.name] ?? ''}
                onChange={(e) => edit(e.target.value)}
              />
            )}
            {f.pem && (
              <input
                type="file"
                aria-label={t('wallets.pickFile')}
                accept=".pem,.crt,.cer,.txt,.key"
                data-testid={`${id}-file`}
                onChange={async (e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) edit(await readFile(file));
                }}
              />
            )}
          </div>
        );
      })}
      {wallet === 'wechatpay' && view.wechatpay.platformKeys.length > 0 && (
        <p data-testid="wallet-wechatpay-platformKeys">
          {t('wallets.platformKeys', {
            keys: view.wechatpay.platformKeys.map((k) => `${k.id} ${k.hint}`).join(', '),
          })}
        </p>
      )}
      {refused && (
        <ul className="reason-error" data-testid={`wallet-${wallet}-refused`}>
          {refused.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {test && (
        <p className={test.ok ? 'ok' : 'reason-error'} data-testid={`wallet-${wallet}-test-result`}>
          {test.ok
            ? t('wallets.test.ok')
            : t(`wallets.test.${test.problem}`, { seconds: test.clockSkewSeconds ?? '?', detail: test.detail })}
        </p>
      )}
      {current.state === 'set' && <OneFenTest wallet={wallet} />}
      <div className="button-row">
        <button
          type="button"
          className="btn"
          data-testid={`wallet-${wallet}-test`}
          disabled={busy || current.state !== 'set'}
          onClick={() => void testConnection()}
        >
          {t('wallets.testButton')}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          data-testid={`wallet-${wallet}-remove`}
          disabled={busy || current.state === 'not_set'}
          onClick={() => void remove()}
        >
          {t('wallets.remove')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid={`wallet-${wallet}-save`}
          disabled={busy}
          onClick={() => void save()}
        >
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </fieldset>
  );
}
