import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRINTER_SETTINGS,
  drawerState,
  PrinterSettings,
  PrinterUriError,
  parsePrinterUri,
  statusFromDleEot,
} from './printer';

describe('printer URIs', () => {
  it('read every kind', () => {
    expect(parsePrinterUri('tcp://127.0.0.1:9100')).toEqual({ scheme: 'tcp', host: '127.0.0.1', port: 9100 });
    expect(parsePrinterUri('tcp://printer.local')).toEqual({ scheme: 'tcp', host: 'printer.local', port: 9100 });
    expect(parsePrinterUri('tcp://[::1]:9101')).toEqual({ scheme: 'tcp', host: '::1', port: 9101 });
    expect(parsePrinterUri('file:/dev/usb/lp0')).toEqual({ scheme: 'file', path: '/dev/usb/lp0' });
    expect(parsePrinterUri('serial:/dev/ttyUSB0?baud=19200')).toEqual({
      scheme: 'serial',
      path: '/dev/ttyUSB0',
      baud: 19200,
    });
    expect(parsePrinterUri('serial:COM3')).toEqual({ scheme: 'serial', path: 'COM3', baud: 9600 });
    expect(parsePrinterUri('cups:receipt')).toEqual({ scheme: 'cups', name: 'receipt' });
    expect(parsePrinterUri('win:XP-58 (copy 1)')).toEqual({ scheme: 'win', name: 'XP-58 (copy 1)' });
    expect(parsePrinterUri('system:Receipt')).toEqual({ scheme: 'system', name: 'Receipt' });
  });

  it('refuse what names no printer', () => {
    for (const bad of ['lpt1', 'tcp://', 'tcp://host:70000', 'file:', 'http://x', 'cups:']) {
      expect(() => parsePrinterUri(bad), bad).toThrow(PrinterUriError);
    }
    expect(PrinterSettings.shape.uri.safeParse('lpt1').success).toBe(false);
    expect(PrinterSettings.shape.uri.safeParse(null).success).toBe(true);
  });
});

describe('DLE EOT answers', () => {
  it('tell paper out, cover open, offline and ok; no answer is unknown', () => {
    expect(statusFromDleEot({ printer: 0x12, offline: 0x12, paper: 0x12 }).state).toBe('ok');
    expect(statusFromDleEot({ printer: 0x12, offline: 0x32, paper: 0x72 }).state).toBe('paper_out');
    expect(statusFromDleEot({ printer: 0x12, offline: 0x16, paper: 0x12 }).state).toBe('cover_open');
    expect(statusFromDleEot({ printer: 0x1a, offline: null, paper: null }).state).toBe('offline');
    expect(statusFromDleEot({ printer: 0x12, offline: 0x12, paper: 0x1e })).toEqual({
      state: 'ok',
      paperNearEnd: true,
      drawerSignal: 'low',
    });
    expect(statusFromDleEot({ printer: null, offline: null, paper: null }).state).toBe('unknown');
  });

  it("read the drawer switch (pin 3) from DLE EOT 1 bit 2, and the shop's setting says which level is open", () => {
    expect(statusFromDleEot({ printer: 0x16, offline: 0x12, paper: 0x12 }).drawerSignal).toBe('high');
    expect(statusFromDleEot({ printer: 0x12, offline: 0x12, paper: 0x12 }).drawerSignal).toBe('low');
    expect(statusFromDleEot({ printer: null, offline: null, paper: null }).drawerSignal).toBeNull();
    expect(drawerState('high', 'high')).toBe('open');
    expect(drawerState('low', 'high')).toBe('closed');
    expect(drawerState('low', 'low')).toBe('open');
    expect(drawerState('high', 'off')).toBeNull();
    expect(drawerState(null, 'high')).toBeNull();
  });

  it('keep printer settings saved before the drawer signal existed (read as off)', () => {
    const { drawerOpenSignal: _, ...old } = DEFAULT_PRINTER_SETTINGS;
    expect(PrinterSettings.parse(old)).toEqual({ ...old, drawerOpenSignal: 'off' });
  });
});
