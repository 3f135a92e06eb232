import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchIdle } from './idleLock';

describe('the idle lock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('locks once the idle time passes without a key or a tap, and each key or tap starts it again', () => {
    const page = new EventTarget();
    const lock = vi.fn();
    const stop = watchIdle(page, 5 * 60_000, lock);
    vi.advanceTimersByTime(4 * 60_000);
    page.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(4 * 60_000);
    page.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(4 * 60_000);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(lock).toHaveBeenCalledTimes(1);
    stop();
  });

  it('stops watching when the till is locked or the setting changes', () => {
    const page = new EventTarget();
    const lock = vi.fn();
    const stop = watchIdle(page, 60_000, lock);
    stop();
    vi.advanceTimersByTime(10 * 60_000);
    page.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(10 * 60_000);
    expect(lock).not.toHaveBeenCalled();
  });
});
