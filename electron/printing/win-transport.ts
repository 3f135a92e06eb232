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
  public static int Send(string printer, byte[] bytes, string datatype) {
    IntPtr h;
    if (!OpenPrinter(printer, out h, IntPtr.Zero)) { Console.Error.WriteLine(Why("OpenPrinter")); return ${WIN_NOTHING_SENT}; }
    try {
      DocInfo1 di = new DocInfo1();
      di.pDocName = "Tillpoint receipt";
      di.pDatatype = datatype;
      if (StartDocPrinter(h, 1, di) == 0) { Console.Error.WriteLine(Why("StartDocPrinter")); return ${WIN_NOTHING_SENT}; }
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
  return [
    "$ErrorActionPreference = 'Stop'",
    `$code = ${WIN_NOTHING_SENT}; try { Add-Type -TypeDefinition (${utf8(`'${cs}'`)}); $name = ${utf8('$env:TILLPOINT_PRINTER_B64')}; $bytes = [IO.File]::ReadAllBytes($env:TILLPOINT_PRINT_FILE); $code = [TillpointRawPrint]::Send($name, $bytes, 'RAW') } catch { [Console]::Error.WriteLine($_.Exception.Message) }`,
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-win-'));
    const file = path.join(dir, 'receipt.bin');
    try {
      fs.writeFileSync(file, bytes, { mode: 0o600 });
      let r: Awaited<ReturnType<typeof runProcess>>;
      try {
        r = await runProcess(this.powershell, ['-NoProfile', '-NonInteractive', '-Command', '-'], {
          env: {
            ...(this.o.env ?? process.env),
            TILLPOINT_PRINTER_B64: Buffer.from(this.printer, 'utf8').toString('base64'),
            TILLPOINT_PRINT_FILE: file,
          },
          input: winRawPrintScript(),
          // Marked sent as the script starts: a till killed meanwhile may have spooled the job, so it is offered.
          onSpawn: beforeFirstByte,
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
