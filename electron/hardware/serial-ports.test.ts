import { describe, expect, it } from 'vitest';
import { listSerialPorts } from './serial-ports';

describe('listSerialPorts', () => {
  it('names each port with what the OS knows of it', async () => {
    const r = await listSerialPorts(async () => [
      { path: 'COM3', manufacturer: 'wch.cn', vendorId: '1a86', productId: '7523' } as never,
      { path: '/dev/ttyS0' } as never,
    ]);
    expect(r).toEqual({
      ok: true,
      ports: [
        { path: 'COM3', label: 'wch.cn 1a86:7523' },
        { path: '/dev/ttyS0', label: null },
      ],
    });
  });

  it('says why when the OS cannot list (as on a build machine without udevadm)', async () => {
    const r = await listSerialPorts(async () => {
      throw new Error('spawn udevadm ENOENT');
    });
    expect(r).toEqual({ ok: false, reason: 'spawn udevadm ENOENT' });
  });
});
