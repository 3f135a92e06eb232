import { useTranslation } from 'react-i18next';
import { canOpenDrawer } from '../../../shared/printer';
import { customerDisplayHref, navigate, routeHref } from '../router';
import { setPendingQuantity } from '../scannerDom';
import { clearQuantityPrefix } from '../stores/catalog';
import { usePay } from '../stores/payment';
import { openDrawer, refreshPrinter, usePrinter } from '../stores/printer';
import { useScanner } from '../stores/scanner';
import { updateSettings, useSettings } from '../stores/settings';
import { lockTill, openGuardedDialog, useStaff } from '../stores/staff';
import { openDialog, useUi } from '../stores/ui';
import { Kbd } from './Kbd';
import { SHORTCUTS } from './shortcuts';

export function Header() {
  const { t, i18n } = useTranslation();
  const shopName = useSettings((s) => s.settings?.shopName ?? '');
  const info = useSettings((s) => s.info);
  const connected = useUi((s) => s.connected);
  const pendingQuantity = useUi((s) => s.pendingQuantity);
  const attentionCount = usePay((s) => s.attentionCount);
  const printer = usePrinter((s) => s.status);
  const scanner = useScanner((s) => s.status);
  const me = useStaff((s) => s.status?.signedIn ?? null);

  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-name">{t('app.title')}</span>
        <span className="shop-name" data-testid="shop-name">
          {shopName}
        </span>
      </div>
      {info?.isDemoData && (
        <div className="demo-badge" data-testid="demo-banner">
          {t('header.demo')}
          <button type="button" className="link-btn" data-testid="demo-clear" onClick={() => openDialog('clearDemo')}>
            {t('header.clearDemo')}
          </button>
        </div>
      )}
      {!connected && (
        <div className="offline-badge" data-testid="offline">
          {t('header.offline')}
        </div>
      )}
      {pendingQuantity !== null && (
        <button
          type="button"
          className="pending-qty"
          data-testid="pending-quantity"
          title={t('header.clearQuantity')}
          onClick={() => {
            setPendingQuantity(null);
            clearQuantityPrefix();
          }}
        >
          {t('header.pendingQuantity', { count: pendingQuantity })} <span aria-hidden="true">×</span>
        </button>
      )}
      {printer && printer.state !== 'none' && (
        <button
          type="button"
          className={`printer-badge printer-${printer.state}`}
          data-testid="printer-status"
          data-state={printer.state}
          title={printer.detail ?? printer.uri ?? ''}
          onClick={() => void refreshPrinter()}
        >
          {t(`printer.state.${printer.state}`)}
          {printer.pending > 0 && ` · ${t('printer.pending', { count: printer.pending })}`}
        </button>
      )}
      {printer?.drawer === 'open' && (
        <div className="offline-badge" data-testid="drawer-open">
          {t('printer.drawerOpen')}
        </div>
      )}
      {scanner && scanner.state !== 'none' && scanner.state !== 'connected' && (
        <div
          className="offline-badge"
          data-testid="scanner-status"
          data-state={scanner.state}
          title={scanner.detail ?? scanner.uri ?? ''}
        >
          {t(`scanner.state.${scanner.state}`)}
        </div>
      )}
      {printer && printer.offered > 0 && (
        <button
          type="button"
          className="btn btn-ghost btn-attention"
          data-testid="printer-offered"
          data-count={printer.offered}
          title={t('printer.offers.title')}
          onClick={() => openDialog('printOffers')}
        >
          {t('printer.offered', { count: printer.offered })}
        </button>
      )}
      <nav className="topbar-actions">
        {/* A system: printer prints through its driver and cannot open the drawer. */}
        {printer && printer.state !== 'none' && canOpenDrawer(printer.uri ?? '') && (
          <button type="button" className="btn btn-ghost" data-testid="open-drawer" onClick={() => void openDrawer()}>
            {t('printer.openDrawer')}
          </button>
        )}
        <button
          type="button"
          className={`btn btn-ghost${attentionCount > 0 ? ' btn-attention' : ''}`}
          data-testid="attention-button"
          data-count={attentionCount}
          title={t('header.attentionTitle')}
          onClick={() => openDialog('attention')}
        >
          {t('header.attention')}
          {attentionCount > 0 && (
            <span className="count-badge" data-testid="attention-count">
              {attentionCount}
            </span>
          )}
        </button>
        <button type="button" className="btn btn-ghost" data-testid="shift-button" onClick={() => openDialog('shift')}>
          {t('shift.button')}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="history-button"
          onClick={() => openDialog('history')}
        >
          {t('actions.history')} <Kbd k={SHORTCUTS.history} />
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="catalog-button"
          onClick={() => void openGuardedDialog('catalog')}
        >
          {t('actions.catalog')} <Kbd k={SHORTCUTS.catalog} />
        </button>
        <button type="button" className="btn btn-ghost" data-testid="z-button" onClick={() => openDialog('zReport')}>
          {t('zreport.button')}
        </button>
        <a
          className="btn btn-ghost"
          href={routeHref('reports', window.location)}
          data-testid="reports-button"
          onClick={(e) => {
            e.preventDefault();
            navigate('reports');
          }}
        >
          {t('reports.button')}
        </a>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="settings-button"
          onClick={() => void openGuardedDialog('settings')}
        >
          {t('actions.settings')}
        </button>
        {info?.mode === 'host' && (
          <a
            className="btn btn-ghost"
            href={customerDisplayHref(window.location)}
            target="_blank"
            rel="noreferrer"
            data-testid="customer-display-link"
          >
            {t('header.customerDisplay')}
          </a>
        )}
        {me && (
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="lock-button"
            data-staff={me.name}
            title={t('staff.lock.buttonTitle')}
            onClick={() => void lockTill()}
          >
            <span className="staff-name" data-testid="signed-in-name">
              {me.name}
            </span>{' '}
            · {t('staff.lock.button')}
          </button>
        )}
        <button
          type="button"
          className="btn btn-ghost lang-toggle"
          data-testid="lang-toggle"
          onClick={() => void updateSettings({ language: i18n.language === 'en' ? 'zh-CN' : 'en' })}
        >
          {t('lang.switchTo')}
        </button>
      </nav>
    </header>
  );
}
