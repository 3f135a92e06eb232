// The serial ports this machine has, for the printer and scanner settings. Listing needs the OS's help
// (udevadm on Linux, SetupAPI on Windows, IOKit on macOS); where that fails, Settings says so and takes a
// typed port name instead.
import { SerialPort } from 'serialport';
import type { SerialPortList } from '../../shared/scanner';

export type { SerialPortList };

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
