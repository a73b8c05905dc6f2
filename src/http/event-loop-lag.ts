// How late the event loop runs a timer: the time a request that has just arrived waits before the
// process even reads it. One sampler per process (the event loop is the process's), started on first
// use, never keeping the process alive.
import { performance } from 'node:perf_hooks';

/** Sampling period. A tick that runs late by `x` ms is a sample of lag `x`. */
export const LAG_SAMPLE_MS = 20;
/** Samples in a row that must exceed a threshold for the lag to count as sustained. */
export const SUSTAINED_SAMPLES = 3;

export type EventLoopLag = {
  /**
   * The lag the last `SUSTAINED_SAMPLES` ticks all had at least (ms): one garbage collection or one slow
   * callback is a single late tick and does not count; a saturated loop makes every tick late.
   */
  sustainedMs(): number;
};

class Sampler implements EventLoopLag {
  private readonly samples: number[] = Array<number>(SUSTAINED_SAMPLES).fill(0);
  private next = 0;
  private expected = performance.now() + LAG_SAMPLE_MS;

  constructor() {
    setInterval(() => this.tick(), LAG_SAMPLE_MS).unref();
  }

  private tick(): void {
    const now = performance.now();
    this.samples[this.next] = Math.max(0, now - this.expected);
    this.next = (this.next + 1) % SUSTAINED_SAMPLES;
    this.expected = now + LAG_SAMPLE_MS;
  }

  sustainedMs(): number {
    return Math.min(...this.samples);
  }
}

let shared: Sampler | undefined;

/** The process's event-loop lag sampler (started by the first caller). */
export function eventLoopLag(): EventLoopLag {
  shared ??= new Sampler();
  return shared;
}
