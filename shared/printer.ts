// Receipt printers: where one is (a URI the shop types or passes as --printer), the printer settings, and
// what the printer says about itself. Pure TypeScript (no Node, no DOM): main and the renderer share it.
import { z } from 'zod';

/** The transports a printer URI names. */
export type PrinterScheme = 'tcp' | 'file' | 'serial' | 'cups' | 'win' | 'system';
/** All are built; system: also needs the desktop app (the headless host says so when it is chosen). */
export const AVAILABLE_SCHEMES: readonly PrinterScheme[] = ['tcp', 'file', 'serial', 'cups', 'win', 'system'];

export type PrinterTarget =
  | { scheme: 'tcp'; host: string; port: number }
  | { scheme: 'file'; path: string }
  | { scheme: 'serial'; path: string; baud: number }
  | { scheme: 'cups' | 'win' | 'system'; name: string };

/** Why a URI is refused, in words for the log and the API message (the UI words it itself). */
export class PrinterUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrinterUriError';
  }
}

/**
 * `tcp://host:9100` (port 9100 when left out), `file:PATH`, `serial:/dev/ttyUSB0?baud=9600`, `cups:QUEUE`,
 * `win:PRINTER`, `system:NAME`. Throws PrinterUriError for anything else.
 */
export function parsePrinterUri(uri: string): PrinterTarget {
  const text = uri.trim();
  const colon = text.indexOf(':');
  const scheme = colon > 0 ? text.slice(0, colon).toLowerCase() : '';
  const rest = colon > 0 ? text.slice(colon + 1) : '';
  switch (scheme) {
    case 'tcp': {
      const m = /^\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(rest);
      if (!m) throw new PrinterUriError(`"${uri}" is not tcp://host:port`);
      const port = m[2] === undefined ? 9100 : Number(m[2]);
      if (port < 1 || port > 65535) throw new PrinterUriError(`port ${port} is not 1..65535`);
      return { scheme: 'tcp', host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
    }
    case 'file':
      if (!rest.trim()) throw new PrinterUriError('file: needs a path');
      return { scheme: 'file', path: rest.replace(/^\/\/(?=\/)/, '') };
    case 'serial': {
      const [path, query = ''] = rest.split('?', 2);
      if (!path) throw new PrinterUriError('serial: needs a port such as /dev/ttyUSB0 or COM3');
      // shared/ has no URLSearchParams (no DOM, no Node): the one parameter is read by hand.
      const baudText = /(?:^|&)baud=([^&]*)/.exec(query)?.[1] ?? '9600';
      const baud = /^\d{3,7}$/.test(baudText) ? Number(baudText) : Number.NaN;
      if (!Number.isFinite(baud)) throw new PrinterUriError(`baud "${baudText}" is not a number`);
      return { scheme: 'serial', path, baud };
    }
    case 'cups':
    case 'win':
    case 'system':
      if (!rest.trim()) throw new PrinterUriError(`${scheme}: needs a printer name`);
      return { scheme, name: rest.trim() };
    default:
      throw new PrinterUriError(`"${uri}" names no printer (tcp://, file:, serial:, cups:, win:, system:)`);
  }
}

/** Whether this build can print to the target; `systemPrinter` false: no desktop app (the headless host). */
/** Only raw transports can send ESC p: a system: printer prints a page through the OS driver, no drawer kick. */
export function canOpenDrawer(uri: string): boolean {
  return !/^\s*system:/i.test(uri);
}

export function isAvailableScheme(
  target: PrinterTarget,
  host: { systemPrinter: boolean } = { systemPrinter: true },
): boolean {
  if (target.scheme === 'system' && !host.systemPrinter) return false;
  return AVAILABLE_SCHEMES.includes(target.scheme);
}

export const PRINTER_URI_PATTERN = /^(tcp:\/\/|file:|serial:|cups:|win:|system:)\S/;

export const PrinterUri = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(PRINTER_URI_PATTERN, 'tcp://, file:, serial:, cups:, win: or system:')
  .refine(
    (s) => {
      try {
        parsePrinterUri(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'a printer: tcp://host:9100, file:PATH, serial:PORT, cups:QUEUE, win:PRINTER or system:NAME' },
  );

/** Lines printed above or below the receipt, one per line of text (at most 6 kept). */
const ReceiptText = z.string().max(300);

/** The lines of a header or footer text. */
export function receiptTextLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 6);
}

export const PrinterSettings = z
  .object({
    /** Null: no printer; nothing prints and nothing is stored to print. */
    uri: PrinterUri.nullable(),
    /** 32 columns (58 mm paper) or 48 (80 mm). */
    columns: z.literal([32, 48]),
    /** The drawer connector: pin 2 (the usual) or pin 5. */
    drawerPin: z.enum(['pin2', 'pin5']),
    /** Open the drawer with a cash sale's receipt. */
    kickOnCash: z.boolean(),
    header: ReceiptText,
    footer: ReceiptText,
    /** Sales print no receipt unless asked (the drawer still opens for cash). */
    noReceiptDefault: z.boolean(),
    /** A receipt not printed within this long stops retrying and waits for the cashier. */
    retrySeconds: z.number().int().min(10).max(3600),
    /**
     * Which level of the drawer's switch (pin 3, read with DLE EOT 1) means open: drawers differ, so the shop says;
     * 'off' shows no drawer state. Settings saved before this existed read as 'off'.
     */
    drawerOpenSignal: z.enum(['off', 'high', 'low']).default('off'),
  })
  .strict();
export type PrinterSettings = z.infer<typeof PrinterSettings>;

/** The ESC p pin number of a drawer connector. */
export function drawerPinNumber(pin: PrinterSettings['drawerPin']): 0 | 1 {
  return pin === 'pin5' ? 1 : 0;
}

export const DEFAULT_PRINTER_SETTINGS: PrinterSettings = {
  uri: null,
  columns: 32,
  drawerPin: 'pin2',
  kickOnCash: true,
  header: '',
  footer: '',
  noReceiptDefault: false,
  retrySeconds: 120,
  drawerOpenSignal: 'off',
};

/**
 * What the printer says, as the cashier header words it. `unknown`: it did not answer DLE EOT within 500 ms
 * (many do not), which never stops printing; `offline`: it could not be reached (or says it is offline).
 */
export const PrinterState = z.enum(['none', 'ok', 'offline', 'cover_open', 'paper_out', 'unknown', 'unavailable']);
export type PrinterState = z.infer<typeof PrinterState>;

/** The level of the drawer connector's pin 3 (the drawer's open/closed switch). */
export const DrawerSignal = z.enum(['high', 'low']);
export type DrawerSignal = z.infer<typeof DrawerSignal>;

export const PrinterStatus = z.object({
  state: PrinterState,
  /** The configured URI (null: none). */
  uri: z.string().nullable(),
  /** Paper near its end (a warning; printing goes on). */
  paperNearEnd: z.boolean(),
  /** Receipts waiting to print (retrying while the printer is off). */
  pending: z.number().int().min(0),
  /** Receipts waiting for the cashier: may have printed, or too old to print by themselves. */
  offered: z.number().int().min(0),
  /** The last error in English, for the log and the tooltip. */
  detail: z.string().nullable(),
  /** The drawer switch's level as the printer last reported it (null: not reported). */
  drawerSignal: DrawerSignal.nullable(),
  /** Open or closed by the shop's drawerOpenSignal; null when not watched or not reported. */
  drawer: z.enum(['open', 'closed']).nullable(),
  at: z.string(),
});
export type PrinterStatus = z.infer<typeof PrinterStatus>;

/** Why a receipt waits for the cashier instead of printing by itself. */
export const OfferReason = z.enum([
  /** It was being sent when the till stopped, or the connection broke while sending: it may have printed. */
  'maybe_printed',
  /** The printer stayed off longer than the retry window. */
  'too_old',
  /** The sale completed later, by the startup check or a late payment: the customer may be gone. */
  'late_sale',
]);
export type OfferReason = z.infer<typeof OfferReason>;

export const PrintOffer = z.object({
  jobId: z.number().int(),
  orderId: z.number().int(),
  orderNumber: z.string(),
  reason: OfferReason,
  createdAt: z.string(),
});
export type PrintOffer = z.infer<typeof PrintOffer>;

// ---- DLE EOT: the real-time status answers (ESC/POS, n = 1, 2, 4) ----------------------------------------

export const DLE_EOT = { printer: 1, offline: 2, paper: 4 } as const;

/** What the drawer is, by the printer's pin 3 level and the shop's setting; null when not known or not watched. */
export function drawerState(
  signal: DrawerSignal | null,
  openWhen: PrinterSettings['drawerOpenSignal'],
): 'open' | 'closed' | null {
  if (signal === null || openWhen === 'off') return null;
  return signal === openWhen ? 'open' : 'closed';
}

/** Reads the answers to DLE EOT 1, 2 and 4 (each byte or null when it did not come). */
export function statusFromDleEot(answers: { printer: number | null; offline: number | null; paper: number | null }): {
  state: PrinterState;
  paperNearEnd: boolean;
  drawerSignal: DrawerSignal | null;
} {
  const { printer, offline, paper } = answers;
  // n=1 bit 2: the drawer kick-out connector's pin 3.
  const drawerSignal = printer === null ? null : (printer & 0x04) !== 0 ? 'high' : 'low';
  if (printer === null && offline === null && paper === null) {
    return { state: 'unknown', paperNearEnd: false, drawerSignal };
  }
  // n=4: bits 5-6 paper end, bits 2-3 near end. n=2: bit 5 stopped for paper end, bit 2 cover open.
  const paperOut = (paper !== null && (paper & 0x60) !== 0) || (offline !== null && (offline & 0x20) !== 0);
  const paperNearEnd = paper !== null && (paper & 0x0c) !== 0;
  if (paperOut) return { state: 'paper_out', paperNearEnd, drawerSignal };
  if (offline !== null && (offline & 0x04) !== 0) return { state: 'cover_open', paperNearEnd, drawerSignal };
  if (printer !== null && (printer & 0x08) !== 0) return { state: 'offline', paperNearEnd, drawerSignal };
  return { state: 'ok', paperNearEnd, drawerSignal };
}

/** A receipt shown on screen: a self-contained HTML page and the characters the printer would print as "?". */
export const ReceiptPreview = z.object({
  html: z.string(),
  unprintable: z.array(z.string()),
  columns: z.literal([32, 48]),
});
export type ReceiptPreview = z.infer<typeof ReceiptPreview>;

// ---- Settings: the printers this machine can list -------------------------------------------------------

export const PrinterTargetItem = z.object({
  /** What goes after the scheme: a port (/dev/ttyUSB0, COM3), a CUPS queue, a Windows or system printer. */
  name: z.string(),
  /** What the OS knows of it (a serial chip's maker), or null. */
  label: z.string().nullable(),
});
export type PrinterTargetItem = z.infer<typeof PrinterTargetItem>;

/**
 * One kind's list, or why there is none: `other_os` (this kind is not listed on this OS), `desktop_only`
 * (system printers need the desktop app), `failed` (the OS could not list them; `detail` says why).
 */
export const PrinterTargetList = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), items: z.array(PrinterTargetItem) }),
  z.object({
    ok: z.literal(false),
    why: z.enum(['other_os', 'desktop_only', 'failed']),
    detail: z.string().nullable(),
  }),
]);
export type PrinterTargetList = z.infer<typeof PrinterTargetList>;

export const PrinterTargets = z.object({
  serial: PrinterTargetList,
  cups: PrinterTargetList,
  win: PrinterTargetList,
  system: PrinterTargetList,
});
export type PrinterTargets = z.infer<typeof PrinterTargets>;
