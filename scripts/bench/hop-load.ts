// Load generators of the bench's issue 11 parts (run in the child process, scripts/bench/child.ts):
// - openLoop: hops sent on a fixed schedule (`rate` a second) whatever the answers, latency counted from
//   the time each hop was due to leave (so a slow answer delays nothing and hides nothing);
// - closedAmount: `connections` sessions back to back until `amount` hops are answered (the memory part).
// Both walk the floor bench's session (dial → Language → English → Help, floor-load.ts), or replay it on
// the floor route. A "busy" answer (load shedding) is counted apart from wrong screens.
import { randomInt } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_CODE, WALK, isKind, optionFor, type Target } from './floor-load';
import { percentile } from './util';

/** The start of the answer a shed hop gets (src/http/middleware/load-shedding.ts). */
export const SHED_PREFIX = 'END Sorry, the service is busy.';

type Session = { id: string; phone: string; inputs: string[]; step: number };

/** Sessions of the walk: a new sessionId and a new valid phone each, from a random start. */
class Sessions {
  private n = 0;
  private readonly first = randomInt(1e8);
  constructor(private readonly prefix: string) {}
  next(): Session {
    this.n += 1;
    return {
      id: `${this.prefix}${this.n}`,
      phone: `+2547${String((this.first + this.n) % 1e8).padStart(8, '0')}`,
      inputs: [],
      step: 0,
    };
  }
  get count(): number {
    return this.n;
  }
}

type HopOutcome = 'ok' | 'busy' | 'wrong' | 'non2xx' | 'error';

class Hops {
  private readonly agent: Agent;
  wrongSamples: string[] = [];
  constructor(
    private readonly url: string,
    private readonly target: Target,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }
  close(): void {
    this.agent.destroy();
  }

  /** Sends the session's next hop; advances the session on a right answer. */
  send(s: Session): Promise<HopOutcome> {
    const body = new URLSearchParams({
      sessionId: s.id,
      serviceCode: SERVICE_CODE,
      phoneNumber: s.phone,
      networkCode: '63902',
      text: s.inputs.join('*'),
    }).toString();
    return new Promise((resolve) => {
      const req = request(
        this.url,
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
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(this.check(s, res.statusCode ?? 0, text)));
          res.on('error', () => resolve('error'));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve('error'));
      req.end(body);
    });
  }

  private check(s: Session, status: number, body: string): HopOutcome {
    if (status < 200 || status > 299) return 'non2xx';
    if (body.startsWith(SHED_PREFIX)) return 'busy';
    const hop = WALK[s.step];
    const wrong = (why: string): HopOutcome => {
      if (this.wrongSamples.length < 3) this.wrongSamples.push(`hop ${s.step + 1}: ${why}`);
      return 'wrong';
    };
    if (!hop) return wrong('past the end of the walk');
    if (this.target === 'floor') {
      if (!body.startsWith('CON ')) return wrong(body);
      s.inputs.push(['6', '1', '7'][s.step] ?? '');
    } else {
      if (!isKind(body, hop.kind)) return wrong(body.slice(0, 120));
      if (hop.choose) {
        const option = optionFor(body.slice(4), hop.choose);
        if (!option) return wrong(`no option "${hop.choose}"`);
        s.inputs.push(option);
      }
    }
    s.step += 1;
    return 'ok';
  }
}

export type OpenJob = {
  target: Target;
  /** The route's full URL. */
  url: string;
  rate: number;
  /** Not measured, at the same rate, first. */
  warmupSeconds: number;
  seconds: number;
  sessionPrefix: string;
};

export type OpenResult = {
  target: Target;
  rate: number;
  seconds: number;
  /** Hops due in the window (sent on schedule). */
  sent: number;
  /** Answered within the window or after it (all due hops are waited for). */
  answered: number;
  served: number;
  busy: number;
  errors: number;
  non2xx: number;
  wrongScreens: number;
  wrongSamples: string[];
  /** Of every answered hop of the window, from when it was due. */
  p50: number;
  p99: number;
  max: number;
  /** Of the hops served (not shed). */
  servedP50: number;
  servedP99: number;
  /** How late the generator itself sent hops (p99, ms): above a few ms the machine could not keep up. */
  sendLagP99: number;
};

/**
 * Open loop: every 2 ms, the hops due since the last turn leave, each with the time it was due. A hop goes
 * to a session whose previous hop has been answered (or a new session), so sessions walk as they would.
 */
export async function openLoop(job: OpenJob, report: (event: string) => void): Promise<OpenResult> {
  const sessions = new Sessions(job.sessionPrefix);
  const idle: Session[] = [];
  // At most 256 connections, kept alive, like a proxy's pool of upstream connections: hops beyond them wait
  // for a free one (counted in their latency). A connection per outstanding hop overflowed the service's
  // listen backlog under overload, and the figures were the kernel's SYN retries (1, 3, 7 s), not the
  // service's.
  const hops = new Hops(job.url, job.target, 256);
  const latencies: number[] = [];
  const served: number[] = [];
  const sendLag: number[] = [];
  const counts = { sent: 0, answered: 0, busy: 0, errors: 0, non2xx: 0, wrongScreens: 0 };
  const pending = new Set<Promise<void>>();
  const fire = (due: number, measured: boolean) => {
    const s = idle.pop() ?? sessions.next();
    if (measured) {
      counts.sent += 1;
      sendLag.push(performance.now() - due);
    }
    const p = hops.send(s).then((outcome) => {
      const ms = performance.now() - due;
      if (outcome === 'ok' && s.step < WALK.length) idle.push(s);
      if (!measured) return;
      counts.answered += 1;
      if (outcome === 'error') counts.errors += 1;
      else if (outcome === 'non2xx') counts.non2xx += 1;
      else if (outcome === 'wrong') counts.wrongScreens += 1;
      else if (outcome === 'busy') counts.busy += 1;
      else served.push(ms);
      if (outcome !== 'error') latencies.push(ms);
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const phase = async (seconds: number, measured: boolean) => {
    const interval = 1000 / job.rate;
    const start = performance.now();
    const total = Math.round(seconds * job.rate);
    let fired = 0;
    while (fired < total) {
      const now = performance.now();
      while (fired < total && start + fired * interval <= now) {
        fire(start + fired * interval, measured);
        fired += 1;
      }
      await sleep(2);
    }
  };
  try {
    if (job.warmupSeconds > 0) await phase(job.warmupSeconds, false);
    report('measuring');
    await phase(job.seconds, true);
    await Promise.all(pending);
  } finally {
    hops.close();
  }
  const sorted = Float64Array.from(latencies).sort();
  const servedSorted = Float64Array.from(served).sort();
  return {
    target: job.target,
    rate: job.rate,
    seconds: job.seconds,
    ...counts,
    served: served.length,
    wrongSamples: hops.wrongSamples,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
    servedP50: percentile(servedSorted, 50),
    servedP99: percentile(servedSorted, 99),
    sendLagP99: percentile(Float64Array.from(sendLag).sort(), 99),
  };
}

export type AmountJob = {
  target: Target;
  url: string;
  connections: number;
  amount: number;
  sessionPrefix: string;
};

export type AmountResult = { answered: number; failed: number; seconds: number; wrongSamples: string[] };

/** Closed loop: `connections` sessions back to back until `amount` hops have been answered. */
export async function closedAmount(job: AmountJob, report: (event: string) => void): Promise<AmountResult> {
  const sessions = new Sessions(job.sessionPrefix);
  const hops = new Hops(job.url, job.target, job.connections);
  let started = 0;
  let answered = 0;
  let failed = 0;
  const t0 = performance.now();
  const progress = setInterval(() => report(`${answered} hops`), 10_000);
  const worker = async () => {
    let s = sessions.next();
    while (started < job.amount) {
      started += 1;
      const outcome = await hops.send(s);
      answered += 1;
      if (outcome !== 'ok') failed += 1;
      if (outcome !== 'ok' || s.step >= WALK.length) s = sessions.next();
    }
  };
  try {
    await Promise.all(Array.from({ length: job.connections }, worker));
  } finally {
    clearInterval(progress);
    hops.close();
  }
  return { answered, failed, seconds: (performance.now() - t0) / 1000, wrongSamples: hops.wrongSamples };
}
