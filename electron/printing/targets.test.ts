// Settings' printer lists: each kind is its list or the reason there is none, with fakes for lpstat and
// PowerShell first on PATH / passed in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterTargets } from '../../shared/printer';
import { listPrinterTargets } from './targets';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fakeBin(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-bin-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o755 });
  return { dir, env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` } };
}

describe('printer targets for Settings', () => {
  it('lists serial ports and CUPS queues on Linux; Windows printers are for Windows, system ones for the desktop app', async () => {
    const bin = fakeBin({ lpstat: '#!/bin/sh\n[ "$1" = -e ] || exit 3\nprintf \'POS_80\\nKitchen\\n\'\n' });
    const targets = await listPrinterTargets({
      platform: 'linux',
      env: bin.env,
      listSerial: async () => ({ ok: true, ports: [{ path: '/dev/ttyUSB0', label: '1a86:7523' }] }),
    });
    expect(PrinterTargets.parse(targets)).toEqual({
      serial: { ok: true, items: [{ name: '/dev/ttyUSB0', label: '1a86:7523' }] },
      cups: {
        ok: true,
        items: [
          { name: 'POS_80', label: null },
          { name: 'Kitchen', label: null },
        ],
      },
      win: { ok: false, why: 'other_os', detail: null },
      system: { ok: false, why: 'desktop_only', detail: null },
    });
  });

  it('says why a list failed: no udevadm, no lpstat', async () => {
    const targets = await listPrinterTargets({
      platform: 'linux',
      env: { PATH: os.tmpdir() },
      listSerial: async () => ({ ok: false, reason: 'spawn udevadm ENOENT' }),
    });
    expect(targets.serial).toEqual({ ok: false, why: 'failed', detail: 'spawn udevadm ENOENT' });
    expect(targets.cups).toMatchObject({ ok: false, why: 'failed', detail: expect.stringMatching(/lpstat.*ENOENT/) });
  });

  it('lists Windows printers through PowerShell Get-Printer on Windows, and system printers in the desktop app', async () => {
    const bin = fakeBin({
      'powershell.js': `#!${process.execPath}\nlet s='';process.stdin.on('data',c=>s+=c).on('end',()=>{if(!s.includes('Get-Printer'))process.exit(3);process.stdout.write('前台 "POS-80"\\r\\nMicrosoft Print to PDF\\r\\n');});\n`,
    });
    const targets = await listPrinterTargets({
      platform: 'win32',
      powershell: path.join(bin.dir, 'powershell.js'),
      listSerial: async () => ({ ok: true, ports: [] }),
      systemPrinter: { print: async () => {}, list: async () => ['POS-80'] },
    });
    expect(targets.win).toEqual({
      ok: true,
      items: [
        { name: '前台 "POS-80"', label: null },
        { name: 'Microsoft Print to PDF', label: null },
      ],
    });
    expect(targets.cups).toEqual({ ok: false, why: 'other_os', detail: null });
    expect(targets.system).toEqual({ ok: true, items: [{ name: 'POS-80', label: null }] });
  });
});
