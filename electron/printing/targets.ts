// The printers Settings offers to pick from: serial ports, CUPS queues (macOS, Linux), Windows printers
// (Windows) and system printers (the desktop app). Each kind is its list or the reason there is none; a
// typed URI works either way.
import type { PrinterTargetList, PrinterTargets } from '../../shared/printer';
import { listSerialPorts, type SerialPortList } from '../hardware/serial-ports';
import { runProcess } from './run-process';
import type { SystemPrinter } from './transport-core';

export interface TargetListingOptions {
  platform?: NodeJS.Platform;
  /** lpstat / powershell run with this environment (tests: fakes first on PATH). */
  env?: NodeJS.ProcessEnv;
  powershell?: string;
  systemPrinter?: SystemPrinter;
  listSerial?: () => Promise<SerialPortList>;
}

const failed = (detail: string): PrinterTargetList => ({ ok: false, why: 'failed', detail });
const names = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

async function serial(o: TargetListingOptions): Promise<PrinterTargetList> {
  const r = await (o.listSerial ?? (() => listSerialPorts()))();
  if (!r.ok) return failed(r.reason);
  return { ok: true, items: r.ports.map((p) => ({ name: p.path, label: p.label })) };
}

async function cups(o: TargetListingOptions, platform: NodeJS.Platform): Promise<PrinterTargetList> {
  if (platform === 'win32') return { ok: false, why: 'other_os', detail: null };
  try {
    const r = await runProcess('lpstat', ['-e'], { env: o.env, timeoutMs: 5000 });
    if (r.code !== 0) return failed(r.stderr.trim() || `lpstat -e exited with ${r.code}`);
    return { ok: true, items: names(r.stdout).map((name) => ({ name, label: null })) };
  } catch (err) {
    return failed(`lpstat could not run (is CUPS installed?): ${(err as Error).message}`);
  }
}

async function win(o: TargetListingOptions, platform: NodeJS.Platform): Promise<PrinterTargetList> {
  if (platform !== 'win32') return { ok: false, why: 'other_os', detail: null };
  try {
    // UTF-8 out, so Chinese printer names arrive intact.
    const script =
      '[Console]::OutputEncoding = [Text.Encoding]::UTF8\nGet-Printer | Select-Object -ExpandProperty Name\nexit 0\n';
    const r = await runProcess(o.powershell ?? 'powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', '-'], {
      env: o.env,
      input: script,
      timeoutMs: 15_000,
    });
    if (r.code !== 0) return failed(r.stderr.trim() || `Get-Printer exited with ${r.code}`);
    return { ok: true, items: names(r.stdout).map((name) => ({ name, label: null })) };
  } catch (err) {
    return failed(`PowerShell could not run: ${(err as Error).message}`);
  }
}

async function system(o: TargetListingOptions): Promise<PrinterTargetList> {
  if (!o.systemPrinter) return { ok: false, why: 'desktop_only', detail: null };
  try {
    return { ok: true, items: (await o.systemPrinter.list()).map((name) => ({ name, label: null })) };
  } catch (err) {
    return failed((err as Error).message);
  }
}

export async function listPrinterTargets(o: TargetListingOptions = {}): Promise<PrinterTargets> {
  const platform = o.platform ?? process.platform;
  const [s, c, w, y] = await Promise.all([serial(o), cups(o, platform), win(o, platform), system(o)]);
  return { serial: s, cups: c, win: w, system: y };
}
