// One USSD hop: load the session, work out the new input, move the menu machine, render the screen in the
// user's language and page, save the session, and answer within the deadline whatever fails. No menu has
// to do any of it. What an entry means (navigation.ts), resuming (resume.ts) and the stored record
// (session-record.ts) are pure modules of their own; this file carries them out against the store.
import type { Logger } from 'pino';
import { DeadlineExceeded } from '../db/bounded-transaction';
import { translate } from '../domain/copy';
import type { AnyScreenSpec, Lang, MenuEvent, Params, TextRef } from '../../menus/screen';
import { createInputDiffer, directDialParts, type InputDiffer } from './input-diff';
import { RESUME_JOURNEY, type Live, type MenuRuntime, type Persisted } from './menu-runtime';
import {
  RECORD_VERSION,
  readRecord,
  readSaved,
  serialiseRecord,
  serialiseSaved,
  type Saved,
  type SessionRecord,
} from './session-record';
import { renderPages, type RenderedPage } from './render';
import { keys, type SessionStore, type StoreWrite } from './session-store';
import { LockTimeout, withSessionLock } from './session-lock';
import { StoreEpoch } from './store-epoch';
import { navigate } from './navigation';
import { continuation, keepsForResume, resumeScreen, type ResumeGate } from './resume';

export { resumeScreen } from './resume';

export type Hop = {
  sessionId: string;
  phoneNumber: string;
  networkCode?: string;
  serviceCode?: string;
  text: string;
};

export type HopOutcome = 'con' | 'end' | 'repeat' | 'invalid' | 'expired' | 'busy' | 'error' | 'timeout';

export type HopResult = { kind: 'CON' | 'END'; text: string; screenId: string; outcome: HopOutcome };

export type EngineOptions = {
  sessionTtlSeconds: number;
  resumeWindowSeconds: number;
  hopDeadlineMs: number;
  screenLimit: { default: number; byNetwork: Record<string, number> };
  /** Fills {code} (the USSD code) and {sms} (the SMS short code) in copy. */
  globals: Params;
  /** Key of the digest of AT's `text` kept in the session (see input-diff.ts). */
  inputDigestKey: Buffer;
  /**
   * A resumed journey that was logged in goes through this journey first (the login): the password is
   * asked once per USSD session, and a resume is a new session.
   */
  resumeGate?: ResumeGate;
};

/** The session being worked on during one hop. */
type Working = {
  phone: string;
  screens: string[];
  networkCode?: string;
  live: Live;
  history: Persisted[];
  page: number;
  badInputs: number;
  offer?: Saved;
  pendingResume?: Saved;
  notice?: TextRef;
  quiet?: boolean;
  /** The resume prompt of `offer`, worked out once per hop. */
  offerScreen?: AnyScreenSpec;
  forcedEnd?: TextRef;
  outcome?: HopOutcome;
};

const MAX_HISTORY = 10;
const MAX_SCREENS = 60;
const MAX_DIRECT_DIAL_PARTS = 6;
const SEEN_TTL_SECONDS = 3600;

export class UssdEngine {
  private readonly differ: InputDiffer;
  private readonly epoch: StoreEpoch;

  constructor(
    private readonly store: SessionStore,
    private readonly menu: MenuRuntime,
    private readonly opts: EngineOptions,
  ) {
    this.differ = createInputDiffer(opts.inputDigestKey);
    this.epoch = new StoreEpoch(opts.sessionTtlSeconds * 1000);
  }

  /** Always answers, within the hop deadline: a failure becomes END with an apology. */
  async handleHop(hop: Hop, log: Logger, receivedAt = Date.now()): Promise<HopResult> {
    // From the request's arrival: time it spent queued behind others counts (the caller waited it too).
    const deadline = receivedAt + this.opts.hopDeadlineMs;
    const state = { timedOut: false, lang: 'en' as Lang };
    const work = this.process(hop, deadline, state, log).then(
      (r) => ({ r }),
      (err: unknown) => ({ err }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(deadline - Date.now(), 0));
    });
    const first = await Promise.race([work, timeout]);
    clearTimeout(timer);
    if (first === 'timeout') {
      state.timedOut = true;
      log.error({ sessionId: hop.sessionId }, 'hop missed its deadline');
      void work.then((late) => 'err' in late && log.error({ err: late.err }, 'late hop failure'));
      return this.apology(state.lang, 'timeout');
    }
    if ('r' in first) return first.r;
    if (first.err instanceof LockTimeout) {
      log.warn({ sessionId: hop.sessionId }, 'session busy: lock not acquired');
      return this.endWith(state.lang, 'engine.busy', 'busy');
    }
    // A call cut short by the deadline fails at the same moment the deadline fires: count it as a timeout.
    // A statement cancelled by the deadline's own statement timeout fails a little before the deadline.
    const outcome = first.err instanceof DeadlineExceeded || Date.now() >= deadline - 5 ? 'timeout' : 'error';
    log.error({ err: first.err, sessionId: hop.sessionId, outcome }, 'hop failed');
    return this.apology(state.lang, outcome);
  }

  private async process(
    hop: Hop,
    deadline: number,
    state: { timedOut: boolean; lang: Lang },
    log: Logger,
  ): Promise<HopResult> {
    const remaining = () => deadline - Date.now();
    const readKeys = [
      keys.session(hop.sessionId),
      keys.resume(hop.phoneNumber),
      keys.seen(hop.sessionId),
      keys.epoch,
    ];
    let committed = true;
    let markerWritten = false;
    const result = await withSessionLock<HopResult>(
      this.store,
      hop.sessionId,
      readKeys,
      {
        // The lock lives as long as a hop may: past its deadline a hop writes nothing, so holding on would
        // only keep the session's next hop waiting when the holder died.
        ttlMs: this.opts.hopDeadlineMs,
        waitMs: Math.min(1500, this.opts.hopDeadlineMs / 2),
        onLost: () => {
          committed = false;
          log.warn('session lock expired before the hop finished; its writes were dropped');
        },
      },
      async ([raw, resume, seen, marker]) => {
        const epoch = this.epoch.judge(marker ?? null);
        if (epoch.lost) log.warn('the session store lost its data: text of unknown sessions is not replayed');
        // The marker goes back whatever the hop does (it is not the session's state).
        const withMarker = (writes: StoreWrite[]) => (epoch.write ? [...writes, epoch.write] : writes);
        markerWritten = Boolean(epoch.write);
        const read = raw ? readRecord(raw) : undefined;
        let w: Working;
        let isNew = false;
        const rec = read?.kind === 'current' ? read.record : undefined;
        const stale = read?.kind === 'stale' ? read : undefined;
        const consumed = rec?.consumed ?? stale?.consumed;
        const diff = consumed !== undefined ? this.differ.diffInput(consumed, hop.text) : undefined;
        const last = rec?.last ?? stale?.last;
        if (last && (diff?.kind === 'repeat' || rec?.ended || stale?.ended)) {
          state.lang = rec ? this.langOf(rec.snapshot) : stale?.lang === 'sw' ? 'sw' : 'en';
          return { result: { ...last, outcome: 'repeat' }, writes: withMarker([]) };
        }
        if (rec && this.menu.isCurrent(rec.snapshot)) {
          state.lang = this.langOf(rec.snapshot);
          w = {
            phone: rec.phone,
            screens: rec.screens ?? [],
            networkCode: rec.networkCode,
            live: this.menu.restore(rec.snapshot),
            // What a deploy made stale is dropped: Back passes over it, and no stale journey is offered.
            history: rec.history.filter((p) => this.menu.isCurrent(p)),
            page: rec.page,
            badInputs: rec.badInputs,
            notice: rec.notice,
            quiet: rec.quiet,
            offer: this.current(rec.offer),
            pendingResume: this.current(rec.pendingResume),
          };
          await this.apply(w, diff && diff.kind !== 'repeat' ? diff.input : '', remaining);
        } else if (rec || stale) {
          // Saved by code that is gone (a deploy changed the journey or the record format): the caller
          // starts again on the main menu (in the language saved for the phone), told why in one line.
          log.warn(
            { sessionId: hop.sessionId },
            'session saved by another version of the journeys: restarted',
          );
          w = await this.fresh(
            { phoneNumber: rec?.phone ?? stale?.phone ?? hop.phoneNumber, networkCode: hop.networkCode },
            {},
            remaining,
          );
          w.notice = 'engine.updated';
        } else {
          const found = { resume: resume ?? null, seen: seen !== null || epoch.distrust };
          const started = await this.begin(hop, found, remaining);
          if (!started)
            return { result: this.endWith('en', 'engine.expired', 'expired'), writes: withMarker([]) };
          w = started;
          isNew = true;
        }
        state.lang = this.menu.context(w.live).lang;
        const result = this.respond(w);
        // A hop that missed its deadline was already answered with an apology: do not move the session.
        return { result, writes: withMarker(state.timedOut ? [] : this.writes(hop, w, result, isNew)) };
      },
    );
    if (markerWritten && committed) this.epoch.written();
    return result;
  }

  /** The first hop of a session: a plain dial, a resume offer, or a direct dial (`*384*22262*1*2#`). */
  private async begin(
    hop: Hop,
    /** `seen`: the session was seen before, or may have been (the store lost its data lately). */
    found: { resume: string | null; seen: boolean },
    remaining: () => number,
  ): Promise<Working | undefined> {
    const fresh = () => this.fresh(hop, {}, remaining);
    if (hop.text === '') {
      const w = await fresh();
      // A journey saved by a shape of it that this code no longer has is not offered (nor is it kept).
      if (found.resume && this.opts.resumeWindowSeconds > 0) w.offer = this.current(readSaved(found.resume));
      return w;
    }
    // A session we saw before but no longer hold has expired: its text must not be replayed as a dial.
    if (found.seen) return undefined;
    const parts = directDialParts(hop.text, MAX_DIRECT_DIAL_PARTS);
    if (!parts) return undefined;
    const w = await fresh();
    for (const part of parts) {
      await this.apply(w, part, remaining);
      const shown = this.menu.screen(w.live);
      if (w.forcedEnd || w.notice || shown.error || shown.end) break;
    }
    return w;
  }

  /** A new session on the main menu. */
  private async fresh(
    hop: Pick<Hop, 'phoneNumber' | 'networkCode'>,
    carried: Record<string, unknown>,
    remaining: () => number,
  ): Promise<Working> {
    return {
      phone: hop.phoneNumber,
      screens: [],
      networkCode: hop.networkCode,
      live: await this.menu.start(
        { phone: hop.phoneNumber, networkCode: hop.networkCode, ...carried },
        remaining(),
      ),
      history: [],
      page: 0,
      badInputs: 0,
    };
  }

  /** A saved journey this code can continue, or undefined. */
  private current(saved: Saved | undefined): Saved | undefined {
    return saved && this.menu.isCurrent(saved.snapshot) ? saved : undefined;
  }

  private async apply(w: Working, raw: string, remaining: () => number): Promise<void> {
    const screen = this.currentScreen(w);
    // Judged on the pages as the user sees them (with the notice, if one is shown), so before it goes.
    const move = navigate(screen, raw, {
      page: w.page,
      pages: this.pages(w, screen),
      history: w.history.length,
      offering: w.offer !== undefined,
    });
    if (move.kind === 'page') {
      w.page = move.page;
      w.badInputs = 0;
      return;
    }
    w.notice = undefined;
    switch (move.kind) {
      case 'journeyBack':
        // The journey goes back itself (a list queried again), so its screens need no saved copies.
        w.live = await this.menu.send(w.live, move.event, remaining());
        return this.moved(w, true);
      case 'historyBack':
        w.live = this.menu.backTo(w.history.pop() as Persisted, w.live);
        return this.moved(w, true);
      case 'home':
        w.offer = undefined;
        w.live = await this.menu.start(
          { phone: w.phone, networkCode: w.networkCode, ...this.menu.carry(w.live) },
          remaining(),
        );
        w.history = [];
        w.pendingResume = undefined;
        return this.moved(w, false);
      case 'refuse':
        return refuse(w, move.reason);
      case 'answer':
        if (w.offer) {
          w.badInputs = 0;
          return this.answerOffer(w, move.event, remaining);
        }
        return this.answer(w, screen, move.event, remaining);
    }
  }

  /** An answer the screen accepted, sent to the journey. */
  private async answer(
    w: Working,
    screen: AnyScreenSpec,
    event: MenuEvent,
    remaining: () => number,
  ): Promise<void> {
    const next = await this.menu.send(w.live, event, remaining());
    if (w.pendingResume && this.menu.handsOverTo(next, RESUME_JOURNEY)) {
      // The login asked on resume succeeded: back to the screen the user was on, now logged in.
      const pending = w.pendingResume;
      w.pendingResume = undefined;
      w.live = this.menu.restoreWith(pending.snapshot, this.menu.handOverInput(next));
      w.history = pending.history;
      w.badInputs = 0;
      w.page = pending.page;
      w.quiet = true;
      return;
    }
    const nextScreen = this.menu.screen(next);
    if (nextScreen.home)
      w.history = []; // the main menu is the root: nothing behind it
    else if (nextScreen.id !== screen.id && screen.history !== false && !screen.end) {
      w.history = [...w.history, w.live.persisted].slice(-MAX_HISTORY);
    }
    w.live = next;
    w.page = 0;
    w.quiet = false;
    // A check the machine makes (a year out of range) is a refused entry like the engine's own.
    if (nextScreen.error) countRefusal(w);
    else w.badInputs = 0;
  }

  /** After a move made by navigation (Back, Home): first page, no refusals counted. */
  private moved(w: Working, back: boolean): void {
    w.page = 0;
    w.badInputs = 0;
    w.quiet = back;
  }

  /**
   * "Continue where you left off" restores the dropped journey (through the login first when it was
   * logged in); "Start again" keeps the fresh start.
   */
  private async answerOffer(w: Working, event: MenuEvent, remaining: () => number): Promise<void> {
    const offer = w.offer as Saved;
    w.offer = undefined;
    const next = continuation(offer, event, this.opts.resumeGate, (ctx) => this.menu.carryFrom(ctx));
    if (next.kind === 'restart') return;
    if (next.kind === 'gate') {
      w.live = await this.menu.startJourney(
        next.journey,
        { phone: w.phone, networkCode: w.networkCode, ...next.carried, then: RESUME_JOURNEY },
        remaining(),
      );
      w.pendingResume = next.saved;
      w.history = [];
      w.page = 0;
      return;
    }
    w.live = this.menu.restore(next.saved.snapshot);
    w.history = next.saved.history;
    w.page = next.saved.page;
    w.quiet = true;
  }

  private currentScreen(w: Working): AnyScreenSpec {
    if (!w.offer) return this.menu.screen(w.live);
    // Resolved once per hop: the dropped journey's screen names what was left unfinished.
    w.offerScreen ??= resumeScreen(this.menu.screen(this.menu.restore(w.offer.snapshot)).task);
    return w.offerScreen;
  }

  private limit(networkCode?: string): number {
    return (networkCode && this.opts.screenLimit.byNetwork[networkCode]) || this.opts.screenLimit.default;
  }

  private pages(w: Working, screen: AnyScreenSpec): RenderedPage[] {
    const lang = this.menu.context(w.live).lang;
    return renderPages({
      lang,
      screen,
      limit: this.limit(w.networkCode),
      canBack: !w.offer && (w.history.length > 0 || screen.back !== undefined),
      globals: this.opts.globals,
      notice: w.notice ? translate(lang, w.notice, this.opts.globals) : undefined,
      quiet: w.quiet === true && !w.offer,
    });
  }

  private respond(w: Working): HopResult {
    const lang = this.menu.context(w.live).lang;
    if (w.forcedEnd) return this.endWith(lang, w.forcedEnd, 'invalid');
    const screen = this.currentScreen(w);
    const pages = this.pages(w, screen);
    w.page = Math.min(w.page, pages.length - 1);
    const kind = screen.end ? 'END' : 'CON';
    return {
      kind,
      text: pages[w.page]?.text ?? '',
      screenId: screen.id,
      outcome: w.outcome ?? (kind === 'END' ? 'end' : 'con'),
    };
  }

  /** What the hop writes back: the session, the seen marker of a new one, the resume record. */
  private writes(hop: Hop, w: Working, result: HopResult, isNew: boolean): StoreWrite[] {
    const ended = result.kind === 'END';
    const rec: SessionRecord = {
      v: RECORD_VERSION,
      phone: w.phone,
      networkCode: w.networkCode,
      snapshot: w.live.persisted,
      history: w.history,
      page: w.page,
      badInputs: w.badInputs,
      consumed: this.differ.consumedOf(hop.text),
      last: { kind: result.kind, text: result.text, screenId: result.screenId },
      screens: trail(w.screens, result.screenId),
      ended,
      notice: w.notice,
      quiet: w.quiet || undefined,
      offer: w.offer,
      pendingResume: w.pendingResume,
    };
    const ops: StoreWrite[] = [
      {
        key: keys.session(hop.sessionId),
        value: serialiseRecord(rec),
        ttlSeconds: this.opts.sessionTtlSeconds,
      },
    ];
    if (isNew) ops.push({ key: keys.seen(hop.sessionId), value: '1', ttlSeconds: SEEN_TTL_SECONDS });
    // While a resume offer (or the login before it) is open the record stays as it is.
    if (!w.offer && !w.pendingResume) {
      if (!keepsForResume(this.menu.screen(w.live), ended, this.opts.resumeWindowSeconds)) {
        ops.push({ key: keys.resume(w.phone), delete: true });
      } else {
        const saved: Saved = { snapshot: w.live.persisted, history: w.history, page: w.page };
        ops.push({
          key: keys.resume(w.phone),
          value: serialiseSaved(saved),
          ttlSeconds: this.opts.resumeWindowSeconds,
        });
      }
    }
    return ops;
  }

  /**
   * What the session record says about a session, for its end-of-session event: the phone, the last
   * screen and the screens shown. Undefined once the record has expired.
   */
  async sessionTrail(
    sessionId: string,
  ): Promise<{ phone: string; lastScreen: string; screens: string[] } | undefined> {
    const raw = await this.store.get(keys.session(sessionId));
    if (!raw) return undefined;
    const read = readRecord(raw);
    if (read.kind !== 'current') return undefined;
    const rec = read.record;
    return { phone: rec.phone, lastScreen: rec.last.screenId, screens: rec.screens ?? [] };
  }

  private langOf(snapshot: Persisted): Lang {
    return snapshot.state.context.lang === 'sw' ? 'sw' : 'en';
  }

  private endWith(lang: Lang, text: TextRef, outcome: HopOutcome): HopResult {
    return {
      kind: 'END',
      text: translate(lang, text, this.opts.globals),
      screenId: `engine.${outcome}`,
      outcome,
    };
  }

  private apology(lang: Lang, outcome: 'error' | 'timeout'): HopResult {
    return this.endWith(lang, 'engine.apology', outcome);
  }
}

/** A refused entry: the reason above the first page; the third in a row ends the session. */
function refuse(w: Working, reason: TextRef): void {
  w.notice = reason;
  w.page = 0;
  countRefusal(w);
}

/** One rule for every refusal, the engine's or the machine's: the third in a row ends the session. */
function countRefusal(w: Working): void {
  w.badInputs += 1;
  w.outcome = 'invalid';
  if (w.badInputs >= 3) w.forcedEnd = 'engine.tooManyErrors';
}

/** The trail with the screen just shown: a repeat of the last one (an error, a page) is kept once. */
function trail(screens: string[], screenId: string): string[] {
  return screens.at(-1) === screenId ? screens : [...screens, screenId].slice(-MAX_SCREENS);
}
