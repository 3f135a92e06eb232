// win:PRINTER: raw ESC/POS through the Windows print spooler with the RAW datatype, the usual Chinese shop
// setup (a USB printer with a Windows driver; only raw bytes can open its drawer). No native module: a
// PowerShell script Add-Type's a small C# class over winspool.drv. NOT RUN ON WINDOWS HERE: the tests drive a
// fake powershell that records the script, the printer name and the bytes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from './run-process';
import { NothingSentError, type PrinterTransport, type ProbedStatus, type TransportOptions } from './transport-core';

/** The script's exit code when nothing printed (OpenPrinter / StartDocPrinter failed, or it never got there). */
export const WIN_NOTHING_SENT = 10;
/** The script's exit code for a receipt the printer did not take in time and the spooler would not give back. */
export const WIN_STILL_QUEUED = 12;
/** Get-Printer states in which a job would only wait in the spooler. */
const WIN_BLOCKING_STATES = [
  'Paused',
  'Error',
  'PaperJam',
  'PaperOut',
  'Offline',
  'NotAvailable',
  'DoorOpen',
  'UserInterventionRequired',
]
  .map((x) => `'${x}'`)
  .join(',');

const RAW_PRINT_CS = `using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
public static class TillpointRawPrint {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public class DocInfo1 {
    [MarshalAs(UnmanagedType.LPWStr)] public string pDocName;
    [MarshalAs(UnmanagedType.LPWStr)] public string pOutputFile;
    [MarshalAs(UnmanagedType.LPWStr)] public string pDatatype;
  }
  [DllImport("winspool.drv", EntryPoint = "OpenPrinterW", SetLastError = true, CharSet = CharSet.Unicode)]
  static extern bool OpenPrinter(string pPrinterName, out IntPtr phPrinter, IntPtr pDefault);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool ClosePrinter(IntPtr hPrinter);
  [DllImport("winspool.drv", EntryPoint = "StartDocPrinterW", SetLastError = true, CharSet = CharSet.Unicode)]
  static extern int StartDocPrinter(IntPtr hPrinter, int level, [In, MarshalAs(UnmanagedType.LPStruct)] DocInfo1 di);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool EndDocPrinter(IntPtr hPrinter);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool StartPagePrinter(IntPtr hPrinter);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool EndPagePrinter(IntPtr hPrinter);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool WritePrinter(IntPtr hPrinter, byte[] pBytes, int dwCount, out int dwWritten);
  static string Why(string step) { return step + ": " + new Win32Exception(Marshal.GetLastWin32Error()).Message; }
  /** The spooler's job id of the last document started (StartDocPrinter's answer). */
  public static int LastJob;
  public static int Send(string printer, byte[] bytes, string datatype) {
    IntPtr h;
    if (!OpenPrinter(printer, out h, IntPtr.Zero)) { Console.Error.WriteLine(Why("OpenPrinter")); return ${WIN_NOTHING_SENT}; }
    try {
      DocInfo1 di = new DocInfo1();
      di.pDocName = "Tillpoint receipt";
      di.pDatatype = datatype;
      LastJob = StartDocPrinter(h, 1, di);
      if (LastJob == 0) { Console.Error.WriteLine(Why("StartDocPrinter")); return ${WIN_NOTHING_SENT}; }
      int written = 0;
      bool ok = StartPagePrinter(h) && WritePrinter(h, bytes, bytes.Length, out written) && written == bytes.Length;
      string err = ok ? null : Why("WritePrinter");
      EndPagePrinter(h);
      if (!EndDocPrinter(h) && err == null) err = Why("EndDocPrinter");
      if (err != null) { Console.Error.WriteLine(err); return 11; }
      return 0;
    } finally { ClosePrinter(h); }
  }
}
`;

/**
 * The script PowerShell reads on stdin (`-Command -` runs it line by line, so each line is a whole statement).
 * The printer's name and the file come in environment variables (the name base64 UTF-8): nothing the shop
 * typed is ever part of the script text.
 */
export function winRawPrintScript(): string {
  const cs = Buffer.from(RAW_PRINT_CS, 'utf8').toString('base64');
  const utf8 = (b64: string) => `[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String(${b64}))`;
  const quiet = '-ErrorAction SilentlyContinue';
  return [
    "$ErrorActionPreference = 'Stop'",
    `$name = ${utf8('$env:TILLPOINT_PRINTER_B64')}`,
    // The spooler holds what the printer does not take and prints it whenever the printer is back, drawer kick
    // and all: hand a receipt only to an empty queue of a printer that is not offline, out of paper or paused.
    `$p = $null; try { $p = Get-Printer -Name $name } catch {}; if ($p -and $p.JobCount -gt 0) { [Console]::Error.WriteLine("$($p.JobCount) job(s) already waiting in the queue"); exit ${WIN_NOTHING_SENT} }`,
    `if ($p -and ($p.WorkOffline -or (${WIN_BLOCKING_STATES}) -contains "$($p.PrinterStatus)")) { [Console]::Error.WriteLine("the printer is $($p.PrinterStatus)"); exit ${WIN_NOTHING_SENT} }`,
    `$code = ${WIN_NOTHING_SENT}; try { Add-Type -TypeDefinition (${utf8(`'${cs}'`)}); $bytes = [IO.File]::ReadAllBytes($env:TILLPOINT_PRINT_FILE); $code = [TillpointRawPrint]::Send($name, $bytes, 'RAW') } catch { [Console]::Error.WriteLine($_.Exception.Message) }`,
    // Then follow the job until the printer takes it; one still waiting is taken back (it waits in the till).
    `if ($code -eq 0) { try { $job = [TillpointRawPrint]::LastJob; $until = (Get-Date).AddMilliseconds([int]$env:TILLPOINT_SPOOL_WAIT_MS); while ((Get-Date) -lt $until -and (Get-PrintJob -PrinterName $name -ID $job ${quiet})) { Start-Sleep -Milliseconds 250 } } catch {} }`,
    `if ($code -eq 0) { $j = $null; try { $j = Get-PrintJob -PrinterName $name -ID $job ${quiet} } catch {}; if ($j -and "$($j.JobStatus)" -notmatch 'Printing|Printed') { Remove-PrintJob -InputObject $j ${quiet}; if (Get-PrintJob -PrinterName $name -ID $job ${quiet}) { [Console]::Error.WriteLine('the printer did not take the receipt in time and it could not be taken back'); $code = ${WIN_STILL_QUEUED} } else { [Console]::Error.WriteLine('the printer did not take the receipt in time; it was taken back from the queue'); $code = ${WIN_NOTHING_SENT} } } }`,
    'exit $code',
    '',
  ].join('\n');
}

export class WinTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    private readonly printer: string,
    private readonly o: TransportOptions,
  ) {}

  private get powershell(): string {
    return this.o.powershell ?? 'powershell.exe';
  }

  async send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
    let dir: string;
    try {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-win-'));
    } catch (err) {
      throw new NothingSentError(`win:${this.printer}: no temporary file for the receipt: ${(err as Error).message}`);
    }
    const file = path.join(dir, 'receipt.bin');
    try {
      try {
        fs.writeFileSync(file, bytes, { mode: 0o600 });
      } catch (err) {
        throw new NothingSentError(`win:${this.printer}: no temporary file for the receipt: ${(err as Error).message}`);
      }
      let r: Awaited<ReturnType<typeof runProcess>>;
      try {
        r = await runProcess(this.powershell, ['-NoProfile', '-NonInteractive', '-Command', '-'], {
          env: {
            ...(this.o.env ?? process.env),
            TILLPOINT_PRINTER_B64: Buffer.from(this.printer, 'utf8').toString('base64'),
            TILLPOINT_PRINT_FILE: file,
            TILLPOINT_SPOOL_WAIT_MS: String(this.o.spoolWaitMs ?? 15_000),
          },
          input: winRawPrintScript(),
          // Marked sent as the script starts: a till killed meanwhile may have spooled the job, so it is offered.
          onSpawn: beforeFirstByte,
          // Room for following the job in the spooler.
          timeoutMs: 30_000 + (this.o.spoolWaitMs ?? 15_000),
        });
      } catch (err) {
        throw new NothingSentError(`PowerShell could not run: ${(err as Error).message}`);
      }
      const why = r.stderr.trim() || `PowerShell exited with ${r.code}`;
      if (r.code === WIN_NOTHING_SENT) throw new NothingSentError(`win:${this.printer}: ${why}`);
      if (r.code !== 0) throw new Error(`win:${this.printer}: ${why}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The spooler answers no DLE EOT for a raw job: "unknown", which never stops printing. */
  async status(): Promise<ProbedStatus> {
    return { state: 'unknown', paperNearEnd: false, detail: 'the Windows spooler reports no paper or cover state' };
  }
}
