// The cashier screen: products on the left, the sale on the right, dialogs over both.
import { useEffect } from 'react';
import { CashDialog } from '../dialogs/CashDialog';
import { CatalogDialog } from '../dialogs/CatalogDialog';
import { AttentionDialog } from '../dialogs/AttentionDialog';
import { HistoryDialog } from '../dialogs/HistoryDialog';
import { RefundDialog } from '../dialogs/RefundDialog';
import { PayDialog } from '../dialogs/PayDialog';
import { PrintOffersDialog } from '../dialogs/PrintOffersDialog';
import { ZDialog } from '../dialogs/ZDialog';
import { StartupReportDialog } from '../dialogs/StartupReportDialog';
import { WeighDialog } from '../dialogs/WeighDialog';
import { DiscountDialog, HoldDialog, LineDiscountDialog, RecallDialog, VoidDialog } from '../dialogs/SaleDialogs';
import { ClearDemoDialog, SettingsDialog } from '../dialogs/SettingsDialog';
import { bindScanner, detector } from '../scannerDom';
import { syncCart } from '../stores/cart';
import { syncCatalog } from '../stores/catalog';
import { syncScanCache } from '../stores/scanCache';
import { syncPayments } from '../stores/payment';
import { syncPrinter } from '../stores/printer';
import { syncScanner } from '../stores/scanner';
import { useSettings } from '../stores/settings';
import { syncShift, useShift } from '../stores/shift';
import { useUi } from '../stores/ui';
import { OpenShiftPanel } from '../shift/OpenShiftPanel';
import { ShiftDialog } from '../shift/ShiftDialog';
import { handleScan, handleSerialScan } from './actions';
import { CartPanel } from './CartPanel';
import { Header } from './Header';
import { ProductArea } from './ProductArea';
import { bindShortcuts } from './shortcuts';

function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  switch (dialog) {
    case 'cash':
      return <CashDialog />;
    case 'hold':
      return <HoldDialog />;
    case 'recall':
      return <RecallDialog />;
    case 'void':
      return <VoidDialog />;
    case 'orderDiscount':
      return <DiscountDialog lineId={null} />;
    case 'lineDiscount':
      return <LineDiscountDialog />;
    case 'history':
      return <HistoryDialog />;
    case 'catalog':
      return <CatalogDialog />;
    case 'settings':
      return <SettingsDialog />;
    case 'clearDemo':
      return <ClearDemoDialog />;
    case 'pay':
      return <PayDialog />;
    case 'attention':
      return <AttentionDialog />;
    case 'startupReport':
      return <StartupReportDialog />;
    case 'printOffers':
      return <PrintOffersDialog />;
    case 'weigh':
      return <WeighDialog />;
    case 'refund':
      return <RefundDialog />;
    case 'zReport':
      return <ZDialog />;
    case 'shift':
      return <ShiftDialog />;
    default:
      return null;
  }
}

export function Cashier() {
  const dialogOpen = useUi((s) => s.dialog !== null);
  // Selling needs an open shift: until one is open the float count takes the products' place.
  const noShift = useShift((s) => s.current !== null && s.current.shift === null);
  const scanMaxGapMs = useSettings((s) => s.settings?.scanMaxGapMs);

  const scanPrefix = useSettings((s) => s.settings?.scanPrefix);
  const scanSuffix = useSettings((s) => s.settings?.scanSuffix);
  const scanMinLength = useSettings((s) => s.settings?.scanMinLength);

  useEffect(() => {
    if (scanMaxGapMs) detector.maxGapMs = scanMaxGapMs;
    if (scanMinLength) detector.minLength = scanMinLength;
    if (scanPrefix !== undefined) detector.prefix = scanPrefix;
    if (scanSuffix !== undefined) detector.suffix = scanSuffix;
  }, [scanMaxGapMs, scanMinLength, scanPrefix, scanSuffix]);

  useEffect(() => {
    const offs = [
      syncCart(),
      syncCatalog(),
      syncScanCache(),
      syncPayments(),
      syncPrinter(),
      syncScanner(handleSerialScan),
      bindScanner(handleScan),
      bindShortcuts(),
      syncShift(),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, []);

  return (
    <>
      <div className="cashier" inert={dialogOpen}>
        <Header />
        <main className="cashier-main">
          {noShift ? <OpenShiftPanel /> : <ProductArea />}
          <CartPanel />
        </main>
      </div>
      <Dialogs />
    </>
  );
}
