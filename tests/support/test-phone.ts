// A fast phone for screen-level tests: the real engine (src/engine/engine.ts) running the real journeys
// (menus/) over the in-process session store, with the domain services faked in memory
// (fake-services.ts). No database, no HTTP, no SMS wait: a hop takes about a millisecond, so a test can
// walk as many screens as it needs. Options are chosen by their words, on whichever page shows them, in
// the style of laravel-ussd's journey tests:
//
//   const phone = testPhone();
//   phone.world.addAccount(phone.number);
//   await phone.dial().expectSee('Welcome').press('Apply for a job').type('482913').expectSee('Choose the exam:');
//
// Each call queues one step and returns the phone; `await` runs the queue and resolves to the screen on
// show. A failed expectation names the step that failed and shows the screen. Every screen is checked on
// the way against the operator's rules: at most the network's screen limit, GSM-7 only.
//
// What needs the database, the HTTP adapter, Redis or the SMS relay (what is saved, what is sent, what
// AT sees) stays in the journeys over real infrastructure (ussd-phone.ts, tests/journeys).
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config';
import { gsm7Length, isGsm7 } from '../../src/domain/gsm7';
import { createEngine, type UssdEngine } from '../../src/engine';
import type { HopResult } from '../../src/engine/engine';
import { MemorySessionStore } from '../../src/engine/memory-session-store';
import { createLogger } from '../../src/logger';
import { FakeWorld } from './fake-services';

/** The screen on show: the response as AT would carry it (`CON`/`END` and the text), and its screen id. */
export type PhoneScreen = { kind: 'CON' | 'END'; text: string; id: string; outcome: HopResult['outcome'] };

/** A numbered option of the page on show. */
export type ShownOption = { number: string; label: string };

const NAV = /^(98 |0 |00 )/;
const OPTION = /^(\d+)\. (.*)$/;
/** Pages walked with 98 before an option is declared missing: more than any list the menus show. */
const MAX_PAGES = 30;

/**
 * The engine and its store and services, as one instance of the service would hold them: phones made
 * from one share the session store (resume records, an expiring session) and the fake world.
 */
export class TestUssdService {
  readonly world: FakeWorld;
  readonly store: MemorySessionStore;
  readonly engine: UssdEngine;
  readonly config: Config;
  readonly log: ReturnType<typeof createLogger>;
  /** What the engine logged (warnings and errors), one JSON line each. */
  readonly logs: string[] = [];
  /** The session store's clock: move it with `advance` to let sessions and resume records expire. */
  private offset = 0;
  private numbers = 0;

  constructor(opts: { world?: FakeWorld; env?: Record<string, string> } = {}) {
    this.world = opts.world ?? new FakeWorld();
    // A generous hop deadline: only wrong behaviour should fail a screen test on a busy machine (the
    // deadline itself is tested in tests/engine/failures.test.ts).
    this.config = loadConfig({ HOP_DEADLINE_MS: '8000', ...opts.env });
    this.store = new MemorySessionStore(() => Date.now() + this.offset);
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.logs.push(chunk.toString());
        cb();
      },
    });
    this.log = createLogger('debug', sink);
    this.engine = createEngine(this.store, this.world.services(), {
      sessionTtlSeconds: this.config.sessionTtlSeconds,
      resumeWindowSeconds: this.config.resumeWindowSeconds,
      hopDeadlineMs: this.config.hopDeadlineMs,
      screenLimit: this.config.screenLimit,
      globals: { code: this.config.ussdServiceCode, sms: this.config.smsSender },
      inputDigestKey: randomBytes(32),
    });
  }

  /** Moves the session store's clock on (sessions expire after SESSION_TTL_SECONDS without a hop). */
  advance(ms: number): void {
    this.offset += ms;
  }

  /** A phone on this service; each gets a number of its own unless one is given. */
  phone(number?: string, opts: { networkCode?: string } = {}): TestPhone {
    this.numbers += 1;
    return new TestPhone(this, number ?? `+2547110${String(this.numbers).padStart(5, '0')}`, opts);
  }

  /** The screen limit the engine applies on a network. */
  limitOn(networkCode: string): number {
    return this.config.screenLimit.byNetwork[networkCode] ?? this.config.screenLimit.default;
  }
}

/** A phone on a new service of its own, with a world of its own (`phone.world`). */
export function testPhone(
  opts: { number?: string; networkCode?: string; world?: FakeWorld; env?: Record<string, string> } = {},
): TestPhone {
  return new TestUssdService({ world: opts.world, env: opts.env }).phone(opts.number, {
    networkCode: opts.networkCode,
  });
}

export class TestPhone implements PromiseLike<PhoneScreen> {
  /** Everything typed in this session, as AT accumulates it in `text` (joined by '*'). */
  readonly inputs: string[] = [];
  sessionId = randomUUID();
  /** Every screen shown to this phone, across sessions, in order. */
  readonly history: PhoneScreen[] = [];
  /** The pages of the last `walkPages()`, in order. */
  pages: string[] = [];
  private current: PhoneScreen | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly service: TestUssdService,
    readonly number: string,
    private readonly opts: { networkCode?: string } = {},
  ) {}

  get world(): FakeWorld {
    return this.service.world;
  }

  /** The screen on show (after `await`). */
  get screen(): PhoneScreen {
    if (!this.current) throw new Error('nothing on screen yet: dial first (and await)');
    return this.current;
  }

  /** The numbered options of the page on show. */
  get options(): ShownOption[] {
    return this.screen.text.split('\n').flatMap((line) => {
      const m = OPTION.exec(line);
      return m && !NAV.test(line) ? [{ number: m[1] as string, label: m[2] as string }] : [];
    });
  }

  // --- Actions ---------------------------------------------------------------------------------------

  /** A new session: dial the code, optionally with direct-dial entries (`*384*22262*1*2#` is `dial('1', '2')`). */
  dial(...direct: string[]): this {
    return this.step(`dial(${direct.join(', ')})`, async () => {
      this.sessionId = randomUUID();
      this.inputs.length = 0;
      this.inputs.push(...direct);
      await this.hop();
    });
  }

  /** Dials and, when an unfinished journey is offered for resume, chooses "Start again". */
  dialFresh(): this {
    return this.step('dialFresh()', async () => {
      this.sessionId = randomUUID();
      this.inputs.length = 0;
      await this.hop();
      if (this.screen.id === 'resume') await this.send(this.find('Start again')?.number ?? '2');
    });
  }

  /**
   * Chooses the option whose words are `words`: the option labelled exactly so, else the one option
   * whose label contains them. Pages on with 98 until a page shows it.
   */
  press(words: string): this {
    return this.step(`press(${JSON.stringify(words)})`, async () => {
      for (let page = 0; ; page++) {
        const found = this.find(words);
        if (found) return this.send(found.number);
        if (!this.screen.text.includes('\n98 ') || page >= MAX_PAGES)
          throw new Error(`no option "${words}" on this screen or a page after it`);
        await this.send('98');
      }
    });
  }

  /** Types entries, one hop each (a name, a year, a password, or an option's number). */
  type(...entries: string[]): this {
    return this.step(`type(${entries.map((e) => JSON.stringify(e)).join(', ')})`, async () => {
      for (const e of entries) await this.send(e);
    });
  }

  /** 0: Back (the previous page of this screen, else the previous screen). */
  back(): this {
    return this.step('back()', () => this.send('0'));
  }

  /** 00: Home (the main menu). */
  home(): this {
    return this.step('home()', () => this.send('00'));
  }

  /** 98: the next page of this screen. */
  more(): this {
    return this.step('more()', () => this.send('98'));
  }

  /** Sends the last hop again, exactly as a duplicate from the operator would arrive. */
  repeat(): this {
    return this.step('repeat()', () => this.hop());
  }

  /** Pages on with 98 to the last page of this screen, keeping each page's text in `pages`. */
  walkPages(): this {
    return this.step('walkPages()', async () => {
      this.pages = [this.screen.text];
      while (this.screen.text.includes('\n98 ')) {
        if (this.pages.length > MAX_PAGES) throw new Error('more pages than any screen should have');
        await this.send('98');
        this.pages.push(this.screen.text);
      }
    });
  }

  /**
   * Any step of one's own, run in turn with the others: read the world, change it between hops. (Its
   * function queues nothing on this phone: the steps it queued would wait for it.)
   */
  do(fn: (phone: this) => void | Promise<void>): this {
    return this.step('do(…)', () => fn(this));
  }

  // --- Expectations ----------------------------------------------------------------------------------

  /** The screen shows `text` (a part of it, or a pattern). */
  expectSee(text: string | RegExp): this {
    return this.step(`expectSee(${String(text)})`, () => {
      if (!matches(this.screen.text, text)) throw new Error(`expected to see ${show(text)}`);
    });
  }

  /** The screen does not show `text`. */
  expectNotSee(text: string | RegExp): this {
    return this.step(`expectNotSee(${String(text)})`, () => {
      if (matches(this.screen.text, text)) throw new Error(`expected not to see ${show(text)}`);
    });
  }

  /** The screen is exactly `text` (without CON/END). */
  expectScreen(text: string): this {
    return this.step('expectScreen(…)', () => {
      if (this.screen.text !== text)
        throw new Error(`expected the screen to be exactly:\n${text}\n--- but it is ---`);
    });
  }

  /** The first line says `text` (the reason a refused entry is shown above the screen). */
  expectFirstLine(text: string): this {
    return this.step(`expectFirstLine(${JSON.stringify(text)})`, () => {
      const first = this.screen.text.split('\n')[0];
      if (first !== text) throw new Error(`expected the first line to be "${text}", not "${first}"`);
    });
  }

  /** The numbered options of the page on show are exactly these labels, in order. */
  expectOptions(...labels: string[]): this {
    return this.step(`expectOptions(${labels.join(', ')})`, () => {
      const shown = this.options.map((o) => o.label);
      if (JSON.stringify(shown) !== JSON.stringify(labels))
        throw new Error(`expected the options ${JSON.stringify(labels)}, not ${JSON.stringify(shown)}`);
    });
  }

  /** The session ended (`END`), optionally showing `text`. */
  expectEnd(text?: string | RegExp): this {
    return this.step('expectEnd()', () => {
      if (this.screen.kind !== 'END') throw new Error('expected the session to end (END)');
      if (text !== undefined && !matches(this.screen.text, text))
        throw new Error(`expected to see ${show(text)}`);
    });
  }

  /** The session goes on (`CON`). */
  expectCon(): this {
    return this.step('expectCon()', () => {
      if (this.screen.kind !== 'CON') throw new Error('expected the session to go on (CON)');
    });
  }

  // --- Machinery -------------------------------------------------------------------------------------

  then<A = PhoneScreen, B = never>(
    onFulfilled?: ((screen: PhoneScreen) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const done = this.queue.then(() => this.screen);
    // A failed chain does not poison the next one.
    this.queue = Promise.resolve();
    return done.then(onFulfilled, onRejected);
  }

  /** Queues a step; a failure names the step and the test line that asked for it, and shows the screen. */
  private step(name: string, fn: () => unknown): this {
    const site = new Error(name);
    this.queue = this.queue.then(async () => {
      try {
        await fn();
      } catch (err) {
        const e = new Error(
          `${name}: ${(err as Error).message}\n--- screen (${this.current?.kind ?? 'none'}) after ${JSON.stringify(this.inputs.join('*'))} ---\n${this.current?.text ?? ''}`,
        );
        // Pointed at the test's line, not at this file.
        const frames = (site.stack ?? '')
          .split('\n')
          .filter((l) => /^\s+at /.test(l) && !l.includes('test-phone.ts'));
        e.stack = `${e.message}\n${frames.join('\n')}`;
        throw e;
      }
    });
    return this;
  }

  private find(words: string): ShownOption | undefined {
    const options = this.options;
    const exact = options.find((o) => o.label === words);
    if (exact) return exact;
    const containing = options.filter((o) => o.label.includes(words));
    if (containing.length > 1)
      throw new Error(`"${words}" names more than one option: ${containing.map((o) => o.label).join(' / ')}`);
    return containing[0];
  }

  private async send(input: string): Promise<void> {
    this.inputs.push(input);
    await this.hop();
  }

  private async hop(): Promise<void> {
    const r = await this.service.engine.handleHop(
      {
        sessionId: this.sessionId,
        phoneNumber: this.number,
        networkCode: this.opts.networkCode ?? '63902',
        serviceCode: this.service.config.ussdServiceCode,
        text: this.inputs.join('*'),
      },
      this.service.log,
    );
    this.current = { kind: r.kind, text: r.text, id: r.screenId, outcome: r.outcome };
    this.history.push(this.current);
    this.checkFits(this.current);
  }

  /** Every screen, on every hop: within the network's limit, GSM-7 only (no switch to UCS-2). */
  private checkFits(s: PhoneScreen): void {
    const limit = this.service.limitOn(this.opts.networkCode ?? '63902');
    if (gsm7Length(s.text) > limit)
      throw new Error(`the screen is ${gsm7Length(s.text)} septets, over ${limit}`);
    if (!isGsm7(s.text)) throw new Error('the screen has characters outside GSM-7');
  }
}

function matches(text: string, want: string | RegExp): boolean {
  return typeof want === 'string' ? text.includes(want) : want.test(text);
}

function show(want: string | RegExp): string {
  return typeof want === 'string' ? JSON.stringify(want) : String(want);
}
