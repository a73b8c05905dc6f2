// Logged-in teachers walking the apply journey over USSD, then My applications → withdraw, then STATUS by
// SMS (runs in the child process). Each walker reads every screen it receives and answers it the way a
// person would: options are found by their label (following "98 More" when the label is not on the page),
// lists without a wanted label take an option by the walker's number, so that walkers spread over
// vacancies. A screen the walker does not know ends that journey and is reported, not thrown. Closed
// loop: the next hop leaves as soon as the previous one is answered.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export type Route = {
  /** Exams by label, one per journey in turn (walkers spread over them). */
  exams: string[];
  activity?: string;
  stationType?: string;
  position?: string;
  county?: string;
  /** Wanted sub-county; none: the walker's number picks one of the first page's. */
  subCounty?: string;
  /** Pages of the vacancy list to skip ("98 More"), by the walker's number, 0 to this minus one. */
  vacancyPages: number;
  /** First letters of station names to type when the vacancy list offers to narrow it. */
  searchPrefixes: string[];
};

export type WalkJob = {
  url: string;
  walkers: number;
  /** New journeys start until this many seconds have passed (and until each walker has walked the minimum). */
  seconds: number;
  minJourneysPerWalker: number;
  maxJourneysPerWalker: number;
  /** Walkers start one after the other over this many seconds (people do not all dial at one instant). */
  rampSeconds: number;
  /** Pause before each hop but the dial, as a person reading the screen (0: a closed loop). */
  thinkMs: number;
  sessionPrefix: string;
  serviceCode: string;
  smsCode: string;
  password: string;
  /** Teachers' phones; walker w's journey j is teacher (w + j × walkers) mod the length. */
  phones: string[];
  route: Route;
};

export type WalkResult = {
  walkers: number;
  seconds: number;
  /** Latencies (ms) by hop name. */
  hops: Record<string, number[]>;
  journeysStarted: number;
  journeysCompleted: number;
  /** Answers carrying the engine's apology ("Sorry, we could not complete your request"). */
  apologies: number;
  /** Busy or expired screens. */
  busyOrExpired: number;
  /** Screens the walker did not know, or a wanted option missing: the journey was abandoned. */
  unknownScreens: number;
  /** Connection errors, timeouts, non-2xx answers. */
  httpErrors: number;
  samples: string[];
  phones: string[];
};

export const HOP_ORDER = [
  'dial',
  'menu → password prompt',
  'login → exam list',
  'exam → activity list',
  'activity → station type list',
  'station type → position list',
  'position → county list',
  'county list: 98 More',
  'county → sub-county list',
  'sub-county list: 98 More',
  'sub-county → vacancy list',
  'vacancy list: next page',
  'vacancy list: narrow option',
  'vacancy list: letters typed',
  'vacancy → details',
  'details: 98 More',
  'confirm and submit',
  'login → My applications',
  'application → details',
  'application details: 98 More',
  'withdraw → confirm screen',
  'confirm withdraw',
  'STATUS by SMS',
] as const;

/** Hops whose time is mostly the password check (scrypt): reported apart from the targets. */
export const LOGIN_HOPS = new Set<string>(['login → exam list', 'login → My applications']);

export const LEVELS = [
  { re: /choose the exam/i, level: 'exam', next: 'activity list' },
  { re: /choose the activity/i, level: 'activity', next: 'station type list' },
  { re: /type of duty station/i, level: 'station type', next: 'position list' },
  { re: /choose the position/i, level: 'position', next: 'county list' },
  { re: /choose the county/i, level: 'county', next: 'sub-county list' },
  { re: /choose the sub-county/i, level: 'sub-county', next: 'vacancy list' },
] as const;
type Level = (typeof LEVELS)[number]['level'] | 'vacancy' | 'details' | 'application' | 'application details';

type Option = { n: string; label: string };

export function parse(body: string): {
  kind: 'CON' | 'END' | '?';
  text: string;
  options: Option[];
  more: boolean;
} {
  const kind = body.startsWith('CON ') ? 'CON' : body.startsWith('END ') ? 'END' : '?';
  const text = kind === '?' ? body : body.slice(4);
  const options: Option[] = [];
  let more = false;
  for (const line of text.split('\n')) {
    const m = /^(\d+)\. (.*)$/.exec(line);
    if (m) options.push({ n: m[1] as string, label: m[2] as string });
    else if (/^98 /.test(line)) more = true;
  }
  return { kind, text, options, more };
}

/** BENCH_TRACE=1 prints every hop's text and answer (stderr). */
const TRACE = process.env.BENCH_TRACE === '1';
const APOLOGY = 'Sorry, we could not complete your request';
const BUSY_OR_EXPIRED = /service is busy|Session expired/;
const NARROW = /search|name|letters|code|narrow|find/i;

class Walkers {
  readonly result: WalkResult;
  private readonly agent: Agent;

  constructor(private readonly job: WalkJob) {
    this.agent = new Agent({ keepAlive: true, maxSockets: job.walkers + 2 });
    this.result = {
      walkers: job.walkers,
      seconds: 0,
      hops: {},
      journeysStarted: 0,
      journeysCompleted: 0,
      apologies: 0,
      busyOrExpired: 0,
      unknownScreens: 0,
      httpErrors: 0,
      samples: [],
      phones: [],
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private sample(s: string): void {
    if (this.result.samples.length < 8) this.result.samples.push(s.replace(/\n/g, ' | '));
  }

  /** One POST; its time is recorded under `hop` when it is answered with 2xx. */
  private post(path: string, form: Record<string, string>, hop: string): Promise<string | undefined> {
    const body = new URLSearchParams(form).toString();
    const url = new URL(path, this.job.url);
    return new Promise((resolve) => {
      const started = performance.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: 15_000,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
              this.result.httpErrors += 1;
              this.sample(`${hop}: HTTP ${res.statusCode}: ${text.slice(0, 120)}`);
              resolve(undefined);
              return;
            }
            (this.result.hops[hop] ??= []).push(ms);
            resolve(text);
          });
          res.on('error', () => resolve(undefined));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        this.result.httpErrors += 1;
        this.sample(`${hop}: ${err.message}`);
        resolve(undefined);
      });
      req.end(body);
    });
  }

  /**
   * One USSD session towards `goal`, from the dial to its END. Returns whether it reached the expected
   * END screen.
   */
  private async session(
    goal: 'apply' | 'withdraw',
    sessionId: string,
    phone: string,
    spread: number,
  ): Promise<boolean> {
    const { route } = this.job;
    const inputs: string[] = [];
    let hop = 'dial';
    let level: Level | undefined;
    /** Pages of the current list skipped so far. */
    let skipped = 0;
    let narrowed = false;
    const wantsNarrow = route.searchPrefixes.length > 0 && spread % 2 === 1;
    const fail = (why: string, text: string) => {
      this.result.unknownScreens += 1;
      this.sample(`${goal}, after '${hop}' (text '${inputs.join('*')}'): ${why}: ${text.slice(0, 160)}`);
      return false;
    };
    for (let hops = 0; hops < 120; hops++) {
      if (hops > 0 && this.job.thinkMs > 0) await sleep(this.job.thinkMs);
      const body = await this.post(
        '/ussd',
        {
          sessionId,
          serviceCode: this.job.serviceCode,
          phoneNumber: phone,
          networkCode: '63902',
          text: inputs.join('*'),
        },
        hop,
      );
      if (body === undefined) return false;
      if (TRACE)
        console.error(`[${sessionId}] '${hop}' text '${inputs.join('*')}' → ${body.replace(/\n/g, ' | ')}`);
      if (body.includes(APOLOGY)) {
        this.result.apologies += 1;
        this.sample(`${goal}, '${hop}': ${body}`);
        return false;
      }
      if (BUSY_OR_EXPIRED.test(body)) {
        this.result.busyOrExpired += 1;
        this.sample(`${goal}, '${hop}': ${body}`);
        return false;
      }
      const screen = parse(body);
      if (screen.kind === '?') return fail('neither CON nor END', body);
      if (screen.kind === 'END') {
        if (goal === 'apply' && /submitting your application/i.test(screen.text)) return true;
        if (goal === 'withdraw' && /has been withdrawn/i.test(screen.text)) return true;
        return fail('unexpected END', screen.text);
      }
      const choose = (n: string, next: string) => {
        inputs.push(n);
        hop = next;
      };
      const byLabel = (re: RegExp | string) =>
        screen.options.find((o) => (typeof re === 'string' ? o.label.includes(re) : re.test(o.label)));
      const t = screen.text;

      if (/enter your cp2 password/i.test(t)) {
        choose(this.job.password, goal === 'apply' ? 'login → exam list' : 'login → My applications');
        continue;
      }
      if (/^you did not finish/i.test(t)) {
        const o = byLabel(/start again/i);
        if (!o) return fail('no "Start again"', t);
        choose(o.n, 'dial');
        continue;
      }
      if (hop === 'dial' || /welcome to cp2/i.test(t)) {
        const o = byLabel(goal === 'apply' ? 'Apply for a job' : 'My applications');
        if (!o) return fail(`no "${goal === 'apply' ? 'Apply for a job' : 'My applications'}"`, t);
        choose(o.n, 'menu → password prompt');
        continue;
      }
      const titled = LEVELS.find((l) => l.re.test(t));
      if (hop === 'vacancy → details') level = 'details';
      else if (hop === 'application → details') level = 'application details';
      else if (titled) {
        level = titled.level;
        skipped = 0;
      } else if (hop === 'sub-county → vacancy list' || /^vacancies/im.test(t)) {
        if (level !== 'vacancy') skipped = 0;
        level = 'vacancy';
      } else if (/^my applications/im.test(t)) {
        level = 'application';
      }

      // A vacancy's details (with or without its own confirmation step): confirm, on whichever page.
      if (goal === 'apply' && (level === 'details' || /^station:/im.test(t))) {
        const confirm = byLabel(/confirm/i);
        if (confirm) choose(confirm.n, 'confirm and submit');
        else if (screen.more) choose('98', 'details: 98 More');
        else return fail('no "Confirm" option on the details', t);
        continue;
      }
      if (goal === 'withdraw') {
        const yes = byLabel(/yes, withdraw/i);
        if (yes) {
          choose(yes.n, 'confirm withdraw');
          continue;
        }
        if (level === 'application details') {
          const withdraw = byLabel(/withdraw/i);
          if (withdraw) choose(withdraw.n, 'withdraw → confirm screen');
          else if (screen.more) choose('98', 'application details: 98 More');
          else return fail('no "Withdraw" option on the application', t);
          continue;
        }
        if (level === 'application' && screen.options.length > 0) {
          // The newest application is listed first: the one this journey made.
          choose((screen.options[0] as Option).n, 'application → details');
          continue;
        }
        return fail('unknown screen', t);
      }

      // Browse levels.
      const current = LEVELS.find((l) => l.level === level);
      if (current) {
        const wanted =
          current.level === 'exam'
            ? route.exams[spread % route.exams.length]
            : current.level === 'activity'
              ? route.activity
              : current.level === 'station type'
                ? route.stationType
                : current.level === 'position'
                  ? route.position
                  : current.level === 'county'
                    ? route.county
                    : route.subCounty;
        if (wanted) {
          const o = byLabel(wanted);
          if (o) choose(o.n, `${current.level} → ${current.next}`);
          else if (screen.more) choose('98', `${current.level} list: 98 More`);
          else return fail(`no option "${wanted}" on the ${current.level} list`, t);
        } else {
          if (screen.options.length === 0) return fail(`no options on the ${current.level} list`, t);
          const o = screen.options[spread % screen.options.length] as Option;
          choose(o.n, `${current.level} → ${current.next}`);
        }
        continue;
      }

      // A prompt for text after the narrowing option: the first letters of a station's name.
      if (narrowed && screen.options.length === 0 && hop === 'vacancy list: narrow option') {
        choose(
          route.searchPrefixes[Math.floor(spread / 2) % route.searchPrefixes.length] as string,
          'vacancy list: letters typed',
        );
        level = 'vacancy';
        continue;
      }
      if (level === 'vacancy') {
        // Vacancies end with their positions available, "(8)"; a list may also offer its next page
        // ("More vacancies") and a way to narrow it ("Find a station by name or code").
        const nextPage = screen.options.find((o) => /^more\b/i.test(o.label));
        const narrow = screen.options.find(
          (o) => o !== nextPage && NARROW.test(o.label) && !/\(\d+\)\s*$/.test(o.label),
        );
        const counted = screen.options.filter((o) => /\(\d+\)\s*$/.test(o.label));
        const vacancies = counted.length
          ? counted
          : screen.options.filter((o) => o !== narrow && o !== nextPage);
        if (wantsNarrow && narrow && !narrowed) {
          narrowed = true;
          choose(narrow.n, 'vacancy list: narrow option');
          continue;
        }
        if (wantsNarrow && !narrow && !narrowed && screen.more) {
          // The way to narrow the list may be on the screen's next page.
          choose('98', 'vacancy list: next page');
          continue;
        }
        const more = nextPage?.n ?? (screen.more ? '98' : undefined);
        if (
          more &&
          ((!narrowed && skipped < Math.floor(spread / 3) % Math.max(1, route.vacancyPages)) ||
            !vacancies.length)
        ) {
          skipped += 1;
          choose(more, 'vacancy list: next page');
          continue;
        }
        if (!vacancies.length) return fail('no vacancy on the list', t);
        choose((vacancies[spread % vacancies.length] as Option).n, 'vacancy → details');
        continue;
      }
      return fail('unknown screen', t);
    }
    return fail('too many hops', '');
  }

  /** STATUS by SMS from the teacher's phone; answered 200 once recorded. */
  private async status(phone: string, id: string): Promise<boolean> {
    const body = await this.post(
      '/sms/inbound',
      {
        from: phone,
        to: this.job.smsCode,
        text: 'STATUS',
        date: new Date().toISOString(),
        id,
        linkId: '',
        networkCode: '63902',
      },
      'STATUS by SMS',
    );
    return body !== undefined;
  }

  async walker(w: number, deadline: number): Promise<void> {
    const { job } = this;
    if (job.walkers > 1) await sleep((w * job.rampSeconds * 1000) / job.walkers);
    for (
      let j = 0;
      j < job.maxJourneysPerWalker && (j < job.minJourneysPerWalker || performance.now() < deadline);
      j++
    ) {
      const spread = w + j * job.walkers;
      const phone = job.phones[spread % job.phones.length] as string;
      this.result.phones.push(phone);
      this.result.journeysStarted += 1;
      const id = `${job.sessionPrefix}${w}-${j}`;
      const ok =
        (await this.session('apply', `${id}-a`, phone, spread)) &&
        (await this.session('withdraw', `${id}-w`, phone, spread)) &&
        (await this.status(phone, `${id}-sms`));
      if (ok) this.result.journeysCompleted += 1;
    }
  }
}

export async function walk(job: WalkJob, report: (event: string) => void): Promise<WalkResult> {
  const walkers = new Walkers(job);
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  const progress = setInterval(
    () =>
      report(
        `${walkers.result.journeysCompleted}/${walkers.result.journeysStarted} journeys, ` +
          `${Math.round((performance.now() - started) / 1000)} s`,
      ),
    10_000,
  );
  try {
    await Promise.all(Array.from({ length: job.walkers }, (_, w) => walkers.walker(w, deadline)));
  } finally {
    clearInterval(progress);
    walkers.close();
  }
  walkers.result.seconds = (performance.now() - started) / 1000;
  walkers.result.phones = [...new Set(walkers.result.phones)];
  return walkers.result;
}
