// The authenticated walk of issue 11 (runs in the child process): `connections` teachers with accounts,
// each walking USSD sessions back to back with no pause (a closed loop, like the floor bench's walk):
// dial → My profile → password → a section → Back → Back → Apply for a job → exam → activity → (station
// type) → position → county → sub-county → a vacancy → its details → Back. Options are found by label on
// the screen just received (walker.ts's levels), following "98 More" when a label is not on the page.
// The connections start one after the other over the warm-up, then a measured window on the same
// connections; a walk cut by the window's end is not counted as failed.
import { Agent, request } from 'node:http';
import { LEVELS, parse } from './walker';
import { SHED_PREFIX } from './hop-load';
import { percentile } from './util';

export type AuthWalkJob = {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  sessionPrefix: string;
  serviceCode: string;
  password: string;
  /** Teachers' phones; connection c's walk w is phone (c + w × connections) mod the length. */
  phones: string[];
  route: { exam: string; activity: string; stationType: string; position: string; county: string };
};

export type AuthWalkResult = {
  connections: number;
  seconds: number;
  /** Hops answered within the window. */
  hops: number;
  walks: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  busy: number;
  wrongScreens: number;
  samples: string[];
  phones: string[];
};

const TRACE = process.env.BENCH_TRACE === '1';

export async function authWalk(job: AuthWalkJob, report: (event: string) => void): Promise<AuthWalkResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections + 2 });
  const latencies: number[] = [];
  const samples: string[] = [];
  const phones = new Set<string>();
  const r = { hops: 0, walks: 0, errors: 0, busy: 0, wrongScreens: 0 };
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let stop = false;

  const post = (form: Record<string, string>): Promise<string | undefined> => {
    const body = new URLSearchParams(form).toString();
    return new Promise((resolve) => {
      const started = performance.now();
      const req = request(
        new URL('/ussd', job.url),
        {
          method: 'POST',
          agent,
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
          res.on('end', () => {
            const now = performance.now();
            const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) <= 299;
            if (started >= windowStart && now <= windowEnd) {
              r.hops += 1;
              latencies.push(now - started);
              if (!ok) r.errors += 1;
            }
            resolve(ok ? text : undefined);
          });
          res.on('error', () => resolve(undefined));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        if (performance.now() <= windowEnd) r.errors += 1;
        resolve(undefined);
      });
      req.end(body);
    });
  };

  /** One walk; false when it went wrong (then the connection starts a new one). */
  const walkOnce = async (sessionId: string, phone: string): Promise<boolean> => {
    const inputs: string[] = [];
    let loggedIn = false;
    let profileSeen = false;
    let sectionOpened = false;
    let applying = false;
    let detailsSeen = false;
    const fail = (why: string, text: string) => {
      if (performance.now() > windowEnd) return false;
      r.wrongScreens += 1;
      if (samples.length < 6)
        samples.push(`${why} (text '${inputs.join('*')}'): ${text.slice(0, 160).replace(/\n/g, ' | ')}`);
      return false;
    };
    for (let n = 0; n < 60; n++) {
      if (stop) return true;
      const body = await post({
        sessionId,
        serviceCode: job.serviceCode,
        phoneNumber: phone,
        networkCode: '63902',
        text: inputs.join('*'),
      });
      if (body === undefined) return false;
      if (TRACE) console.error(`[${sessionId}] '${inputs.join('*')}' → ${body.replace(/\n/g, ' | ')}`);
      if (body.startsWith(SHED_PREFIX)) {
        if (performance.now() <= windowEnd) r.busy += 1;
        return false;
      }
      // The walk's last hop: Back from a vacancy's details.
      if (detailsSeen) return body.startsWith('CON ') || fail('after Back from the details', body);
      const screen = parse(body);
      if (screen.kind !== 'CON') return fail(`${screen.kind} screen`, body);
      const t = screen.text;
      const byLabel = (re: RegExp | string) =>
        screen.options.find((o) => (typeof re === 'string' ? o.label.includes(re) : re.test(o.label)));
      const pick = (re: RegExp | string, what: string): boolean => {
        const o = byLabel(re);
        if (o) inputs.push(o.n);
        else if (screen.more) inputs.push('98');
        else return fail(`no "${what}"`, t);
        return true;
      };
      if (/enter your cp2 password/i.test(t)) {
        if (loggedIn) return fail('asked for the password twice', t);
        loggedIn = true;
        inputs.push(job.password);
        continue;
      }
      if (/^you did not finish/i.test(t)) {
        if (!pick(/start again/i, 'Start again')) return false;
        continue;
      }
      if (/welcome to cp2/i.test(t)) {
        if (!profileSeen) {
          if (!pick('My profile', 'My profile')) return false;
        } else {
          applying = true;
          if (!pick('Apply for a job', 'Apply for a job')) return false;
        }
        continue;
      }
      if (!applying) {
        if (/^my profile/i.test(t) && !sectionOpened) {
          profileSeen = true;
          const first = screen.options[0];
          if (!first) return fail('no section on My profile', t);
          sectionOpened = true;
          inputs.push(first.n);
          continue;
        }
        if (sectionOpened) {
          // Back from the section to My profile, then Back to the main menu.
          inputs.push('0');
          if (/^my profile/i.test(t)) profileSeen = true;
          continue;
        }
        return fail('unknown screen before Apply', t);
      }
      const level = LEVELS.find((l) => l.re.test(t));
      if (level) {
        const wanted = {
          exam: job.route.exam,
          activity: job.route.activity,
          'station type': job.route.stationType,
          position: job.route.position,
          county: job.route.county,
          'sub-county': undefined,
        }[level.level];
        if (wanted) {
          if (!pick(wanted, wanted)) return false;
        } else {
          const first = screen.options[0];
          if (!first) return fail(`no option on the ${level.level} list`, t);
          inputs.push(first.n);
        }
        continue;
      }
      if (/^station:/im.test(t) || /confirm/i.test(screen.options.map((o) => o.label).join(' '))) {
        detailsSeen = true;
        inputs.push('0');
        continue;
      }
      // The vacancy list: the first vacancy (its label ends with the positions available, "(8)").
      const vacancy = screen.options.find((o) => /\(\d+\)\s*$/.test(o.label)) ?? screen.options[0];
      if (!vacancy) return fail('no vacancy on the list', t);
      inputs.push(vacancy.n);
    }
    return fail('too many hops', '');
  };

  // The connections start one after the other over the warm-up: all of them at once would put 100 password
  // checks (scrypt) in the same instant, and keep them in step walk after walk.
  const connection = async (c: number) => {
    await new Promise((resolve) => setTimeout(resolve, (c * job.warmupSeconds * 1000) / job.connections));
    for (let w = 0; !stop; w++) {
      const phone = job.phones[(c + w * job.connections) % job.phones.length] as string;
      phones.add(phone);
      if (await walkOnce(`${job.sessionPrefix}${c}-${w}`, phone)) {
        if (!stop && performance.now() > windowStart) r.walks += 1;
      }
    }
  };

  const all = Promise.all(Array.from({ length: job.connections }, (_, c) => connection(c)));
  await new Promise((resolve) => setTimeout(resolve, job.warmupSeconds * 1000));
  windowStart = performance.now();
  windowEnd = windowStart + job.seconds * 1000;
  report('measuring');
  await new Promise((resolve) => setTimeout(resolve, job.seconds * 1000));
  stop = true;
  await all;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections: job.connections,
    seconds: job.seconds,
    ...r,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
    samples,
    phones: [...phones],
  };
}
