// The serial ports this machine has, for the printer and scanner settings. Listing needs the OS's help
// (udevadm on Linux, SetupAPI on Windows, IOKit on macOS); where that fails, Settings says so and takes a
// typed port name instead.
import { SerialPort } from 'serialport';

export interface SerialPortInfo {
  path: string;
  /** What the OS knows of the device, e.g. "Prolific" or "1a86" (the usual Chinese USB-serial chip). */
  label: string | null;
}

export type SerialPortList = { ok: true; ports: SerialPortInfo[] } | { ok: false; reason: string };

export async function listSerialPorts(
  list: () => Promise<Awaited<ReturnType<typeof SerialPort.list>>> = () => SerialPort.list(),
): Promise<SerialPortList> {
  try {
    const ports = await list();
    return {
      ok: true,
      ports: ports.map((p) => ({
        path: p.path,
        label:
          [p.manufacturer, p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : null]
            .filter(Boolean)
            .join(' ') || null,
      })),
    };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
