// The floor bench's load generator (runs in the child process): autocannon drives each connection through
// USSD sessions (dial → Language → English → Help) back to back, with a new sessionId and phone each;
// the same requests go to the floor route. See scripts/bench/floor.ts.
import { randomInt } from 'node:crypto';
import autocannon from 'autocannon';
import { percentile } from './util';

export const SERVICE_CODE = '*384*22262#';
/**
 * One session: dial, choose Language, choose English (saved, back on the main menu), choose Help. Help
 * used to answer END; it now answers CON with "0 Back 00 Home", and the walk accepts either (the session
 * is left there, as a caller who hangs up leaves it).
 * Each choice is found by its label on the screen just received (the main menu's numbering depends on
 * whether the caller has an account), and `text` accumulates the choices with '*' as AT sends it.
 */
export const WALK = [
  { choose: 'Language', kind: 'CON' },
  { choose: 'English', kind: 'CON' },
  { choose: 'Help', kind: 'CON' },
  { choose: undefined, kind: 'CON|END' },
] as const;

/** Whether an answer is of the kind a step of the walk expects. */
export function isKind(body: string, kind: (typeof WALK)[number]['kind']): boolean {
  return kind.split('|').some((k) => body.startsWith(`${k} `));
}

/** The option number whose label contains `label` on a screen ("6. Language/Lugha" → "6"). */
export function optionFor(screen: string, label: string): string | undefined {
  return /^(\d+)\. /.exec(screen.split('\n').find((l) => /^\d+\. /.test(l) && l.includes(label)) ?? '')?.[1];
}

export type Target = 'service' | 'floor';

export type Job = {
  target: Target;
  url: string;
  path: string;
  connections: number;
  /** At least this long before measuring, and until every connection has had an answer. */
  warmupSeconds: number;
  seconds: number;
  /** Prefix of every sessionId, so that the run's Redis keys can be found and removed afterwards. */
  sessionPrefix: string;
};

export type LoadResult = {
  target: Target;
  /** From the start until every connection had its first answer (new connections queue to be accepted). */
  rampMs: number;
  /** The measured window, after the warm-up. */
  seconds: number;
  /** Answers received within the window. */
  hops: number;
  sessions: number;
  /** Latency of the hops sent and answered within the window. */
  p50: number;
  p99: number;
  max: number;
  /** Whole run, warm-up included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  wrongScreens: number;
  wrongSamples: string[];
  /** Phones whose session was cut by the end of the run (their resume record stays in Redis). */
  openPhones: string[];
  /** CPU time of the bench's process (the service or the floor) over the window per hop; set by floor.ts. */
  cpuMicrosPerHop?: number;
};

export async function generateLoad(job: Job, report: (event: string) => void): Promise<LoadResult> {
  type Ctx = { sessionId?: string; phone?: string; inputs?: string[] };
  let sessions = 0;
  // Unique valid Kenyan mobile numbers: +2547 and 8 digits, consecutive from a random start.
  const firstPhone = randomInt(1e8);
  const phoneOf = (n: number) => `+2547${String((firstPhone + n) % 1e8).padStart(8, '0')}`;
  const open = new Set<string>();
  let wrongScreens = 0;
  const wrongSamples: string[] = [];
  const wrong = (i: number, ctx: Ctx, why: string) => {
    wrongScreens += 1;
    if (wrongSamples.length < 3) wrongSamples.push(`hop ${i + 1} (text '${ctx.inputs?.join('*')}'): ${why}`);
  };
  const requests: autocannon.Request[] = WALK.map((hop, i) => ({
    method: 'POST',
    path: job.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    setupRequest: (req: autocannon.Request, context: object) => {
      const ctx = context as Ctx;
      if (i === 0 || !ctx.sessionId) {
        sessions += 1;
        ctx.sessionId = `${job.sessionPrefix}${sessions}`;
        ctx.phone = phoneOf(sessions);
        ctx.inputs = [];
        open.add(ctx.phone);
      }
      const body = new URLSearchParams({
        sessionId: ctx.sessionId,
        serviceCode: SERVICE_CODE,
        phoneNumber: ctx.phone as string,
        networkCode: '63902',
        text: (ctx.inputs ?? []).join('*'),
      }).toString();
      return { ...req, body };
    },
    onResponse: (status: number, body: string, context: object) => {
      const ctx = context as Ctx;
      ctx.inputs ??= [];
      if (i === WALK.length - 1 && ctx.phone) open.delete(ctx.phone);
      if (status < 200 || status > 299) return; // autocannon counts these as non-2xx
      if (job.target === 'floor') {
        // The floor answers the same requests without menus; the walk's texts are replayed as they are.
        if (!body.startsWith('CON ')) wrong(i, ctx, body);
        ctx.inputs.push(['6', '1', '7'][i] ?? '');
        return;
      }
      if (!isKind(body, hop.kind)) wrong(i, ctx, body);
      if (hop.choose) {
        const option = optionFor(body.slice(4), hop.choose);
        if (!option) wrong(i, ctx, `no option "${hop.choose}" on: ${body}`);
        ctx.inputs.push(option ?? '1');
      }
    },
  }));

  // One autocannon run: the warm-up, then the measured window on the same connections. The window opens
  // once the warm-up time has passed and every connection has had an answer (a burst of new connections
  // waits in the accept queue of a busy server: that ramp is reported, not measured), and lasts
  // job.seconds; then the run is stopped.
  const started = performance.now();
  const answered = new Set<unknown>();
  let rampMs = NaN;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const done: number[] = [];
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.warmupSeconds + job.seconds + 60,
        timeout: 10,
        requests,
      },
      (err, r) => (err ? reject(err as Error) : resolve(r)),
    );
    const openWindow = () => {
      if (windowStart !== Infinity) return;
      clearTimeout(overdue);
      windowStart = performance.now();
      windowEnd = windowStart + job.seconds * 1000;
      report('measuring');
      setTimeout(() => instance.stop(), job.seconds * 1000);
    };
    // A connection that never answers must not hold the measurement back for ever.
    const overdue = setTimeout(openWindow, (job.warmupSeconds + 30) * 1000);
    instance.on('response', (client, _status, _bytes, ms) => {
      const now = performance.now();
      if (windowStart === Infinity) {
        if (Number.isNaN(rampMs)) {
          answered.add(client);
          if (answered.size >= job.connections) rampMs = now - started;
        }
        if (!Number.isNaN(rampMs) && now - started >= job.warmupSeconds * 1000) openWindow();
        return;
      }
      if (now > windowEnd) return;
      done.push(now);
      if (now - ms >= windowStart) latencies.push(ms);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  return {
    target: job.target,
    rampMs,
    seconds: (Math.min(windowEnd, done[done.length - 1] ?? windowStart) - windowStart) / 1000,
    hops: done.length,
    sessions,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    wrongScreens,
    wrongSamples,
    openPhones: [...open],
  };
}
