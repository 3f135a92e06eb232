import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Poller } from './poller';

/** A tick whose answers the test releases by hand, counting calls and overlaps. */
function slowTick() {
  const pending: (() => void)[] = [];
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const tick = () => {
    stats.calls++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    return new Promise<void>((resolve) =>
      pending.push(() => {
        stats.inFlight--;
        resolve();
      }),
    );
  };
  return { tick, pending, stats };
}

describe('Poller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks at once, then about once a second', async () => {
    const tick = vi.fn(() => Promise.resolve());
    const p = new Poller(tick, 1000);
    p.start();
    expect(tick).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(tick).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(tick).toHaveBeenCalledTimes(7);
    p.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(tick).toHaveBeenCalledTimes(7);
  });

  it('never sends a second request while one is in flight', async () => {
    const { tick, pending, stats } = slowTick();
    const p = new Poller(tick, 1000);
    p.start();
    await vi.advanceTimersByTimeAsync(3500);
    p.poke();
    p.start();
    expect(stats.calls).toBe(1);
    expect(stats.maxInFlight).toBe(1);
    // The slow answer arrives after 3.5 s: the next ask follows right away, not three at once.
    pending.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(stats.calls).toBe(2);
    expect(stats.maxInFlight).toBe(1);
    p.stop();
  });

  it('keeps the rhythm from the start of each ask when answers are quick', async () => {
    const { tick, pending, stats } = slowTick();
    const p = new Poller(tick, 1000);
    p.start();
    await vi.advanceTimersByTimeAsync(300);
    pending.shift()!();
    await vi.advanceTimersByTimeAsync(699);
    expect(stats.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stats.calls).toBe(2);
    p.stop();
  });

  it('asks again right after the current one when poked meanwhile', async () => {
    const { tick, pending, stats } = slowTick();
    const p = new Poller(tick, 1000);
    p.start();
    p.poke();
    expect(stats.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    pending.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(stats.calls).toBe(2);
    expect(stats.maxInFlight).toBe(1);
    p.stop();
  });

  it('goes on after a failed ask', async () => {
    let n = 0;
    const p = new Poller(() => (++n === 1 ? Promise.reject(new Error('down')) : Promise.resolve()), 1000);
    p.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(n).toBe(2);
    p.stop();
  });
});
