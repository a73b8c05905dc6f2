// What a USSD session keeps in the session store between hops, its version and its (de)serialisation.
// A record outlives the code that wrote it (a deploy happens while people are mid-journey), so it says
// which format it is in (`v`) and each saved journey snapshot says which shape of its journey wrote it
// (`Persisted.shape`, see menu-runtime.ts). What cannot be read back is reported, never thrown.
import type { TextRef } from '../../menus/screen';

/** The record format. Raised when a field changes meaning; a record of another version is not read. */
export const RECORD_VERSION = 2;

/** What is saved of a journey: its name, the shape of the journey that wrote it, XState's snapshot. */
export type Persisted = {
  journey: string;
  /** A digest of the journey's states when it was saved (menu-runtime.ts `shapeOf`). */
  shape?: string;
  state: { context: Record<string, unknown> } & Record<string, unknown>;
};

/** Where a user is in a journey: the snapshot, the screens behind it (for Back) and the page on show. */
export type Saved = { snapshot: Persisted; history: Persisted[]; page: number };

export type SessionRecord = Saved & {
  v: typeof RECORD_VERSION;
  phone: string;
  networkCode?: string;
  badInputs: number;
  /** Keyed digest of the `text` consumed so far; never the text itself. */
  consumed: string;
  last: { kind: 'CON' | 'END'; text: string; screenId: string };
  /** The screen ids this session showed, in order (consecutive repeats once, the last 60): never input. */
  screens?: string[];
  ended: boolean;
  /** The reason shown above the current screen, kept while the user pages through it. */
  notice?: TextRef;
  /** The current screen was restored by Back or resume: its own notice and error are not shown. */
  quiet?: boolean;
  /** A dropped journey offered for resume on this new session's first screen. */
  offer?: Saved;
  /** A resumed journey waiting for the login to finish. */
  pendingResume?: Saved;
};

/**
 * A stored record as it was read. `stale`: a record this code cannot continue (another format version,
 * or not a record at all); what it still tells (the phone, the language, the last answer) is kept so
 * that the caller can be started again kindly and a repeated hop still gets its last answer.
 */
export type ReadRecord =
  | { kind: 'current'; record: SessionRecord }
  | {
      kind: 'stale';
      phone?: string;
      lang?: string;
      consumed?: string;
      last?: SessionRecord['last'];
      ended?: boolean;
    };

export function serialiseRecord(record: SessionRecord): string {
  return JSON.stringify(record);
}

export function readRecord(raw: string): ReadRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { kind: 'stale' };
  }
  if (!isObject(parsed)) return { kind: 'stale' };
  if (parsed.v === RECORD_VERSION && isSaved(parsed))
    return { kind: 'current', record: parsed as SessionRecord };
  const snapshot = isObject(parsed.snapshot) ? parsed.snapshot : undefined;
  const context = snapshot && isObject(snapshot.state) ? snapshot.state.context : undefined;
  const last = isObject(parsed.last) ? parsed.last : undefined;
  return {
    kind: 'stale',
    phone: typeof parsed.phone === 'string' ? parsed.phone : undefined,
    lang: isObject(context) && typeof context.lang === 'string' ? context.lang : undefined,
    consumed: typeof parsed.consumed === 'string' ? parsed.consumed : undefined,
    last:
      last && (last.kind === 'CON' || last.kind === 'END') && typeof last.text === 'string'
        ? { kind: last.kind, text: last.text, screenId: String(last.screenId) }
        : undefined,
    ended: parsed.ended === true,
  };
}

/** A saved journey (the resume record, or a record's offer), or undefined when it is not one. */
export function readSaved(raw: string): Saved | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return isSaved(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function serialiseSaved(saved: Saved): string {
  return JSON.stringify(saved);
}

function isPersisted(p: unknown): p is Persisted {
  return isObject(p) && typeof p.journey === 'string' && isObject(p.state) && isObject(p.state.context);
}

function isSaved(s: unknown): s is Saved {
  return (
    isObject(s) &&
    isPersisted(s.snapshot) &&
    Array.isArray(s.history) &&
    s.history.every(isPersisted) &&
    typeof s.page === 'number'
  );
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
