// Asks the till for something about once per interval while running, never twice at once: a slow
// answer delays the next ask instead of stacking requests behind it.
export class Poller {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private running = false;
  /** Poked while a tick was in flight: run again as soon as it ends. */
  private again = false;

  constructor(
    private readonly tick: () => Promise<unknown>,
    readonly intervalMs = 1000,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Ticks at once, then every intervalMs (measured from the start of the previous tick). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    this.running = false;
    this.again = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Tick now rather than at the next interval (still one at a time). */
  poke(): void {
    if (!this.running) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight) return;
    this.inFlight = true;
    const started = Date.now();
    try {
      await this.tick();
    } catch {
      // The next tick asks again.
    } finally {
      this.inFlight = false;
      if (this.running) {
        const wait = this.again ? 0 : Math.max(0, this.intervalMs - (Date.now() - started));
        this.again = false;
        this.timer = setTimeout(() => void this.run(), wait);
      }
    }
  }
}
