// Tells "the session store lost its data" (a Redis FLUSHALL, or a restart without persistence) from "a new
// session dialled with text" (`*384*22262*1*2#`). Both arrive as an unknown session with text; replaying
// a lost session's text from the main menu would act on inputs typed for other screens. The store holds
// one marker without expiry; if it is gone, so is everything else. See docs/decisions/0009.
import { keys, type StoreWrite } from './session-store';

export type EpochJudgement = {
  /** Unknown sessions with text are not taken as direct dials: they may be sessions the store lost. */
  distrust: boolean;
  /** This hop found the marker gone after this instance had seen it: the store lost its data. */
  lost: boolean;
  /** The marker to write with the hop, if it was missing. */
  write?: StoreWrite;
};

export class StoreEpoch {
  /** Whether this instance has seen the marker in the store (or written it there). */
  private known = false;

  constructor(
    /** How long after a loss sessions the store lost may still send hops: one session lifetime. */
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Judges the marker as read with a hop's session (its value: the time direct dials are trusted from). */
  judge(marker: string | null): EpochJudgement {
    const now = this.now();
    if (marker !== null) {
      this.known = true;
      return { distrust: now < Number(marker), lost: false };
    }
    if (!this.known) {
      // The first look of a starting instance at a store without a marker: a new store, trusted at once.
      return { distrust: false, lost: false, write: this.marker(now) };
    }
    return { distrust: true, lost: true, write: this.marker(now + this.windowMs) };
  }

  /** The hop that wrote the marker committed. */
  written(): void {
    this.known = true;
  }

  private marker(trustFrom: number): StoreWrite {
    return { key: keys.epoch, value: String(trustFrom), persist: true };
  }
}
