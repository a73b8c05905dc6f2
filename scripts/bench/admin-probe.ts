// The operator API's figures (runs in the child process): list pages (first and deep), the funnel over
// the full period and over 7 days, and each CSV export's time to first byte and rows per second. Lists
// are read in either shape: keyset (`next_cursor`, followed with `cursor`) or offset (`total`, `offset`).
import { Agent, request } from 'node:http';

export type AdminJob = {
  url: string;
  token: string;
  /** Requests per figure. */
  repeats: number;
  /** An export is read for at most this long (rows/s is measured over what was read). */
  exportSeconds: number;
  /** The largest ids, for a page near the end when cursors are ids. */
  maxIds: { vacancies: number; applications: number };
};

export type Probe = {
  name: string;
  /** What was asked, e.g. the path with its query. */
  detail: string;
  ms: number[];
  /** For exports: rows per second of each request, time to first byte in `ms`. */
  rowsPerSecond?: number[];
  /** For exports: rows read, and whether each request was read to its end. */
  rows?: number[];
  complete?: boolean[];
  errors: string[];
};

export type AdminResult = { probes: Probe[] };

type Answer = { status: number; ms: number; body: string; ttfb: number; rows: number; complete: boolean };

class Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 2 });
  constructor(private readonly job: AdminJob) {}

  close(): void {
    this.agent.destroy();
  }

  /** GET; with `stream`, counts lines instead of keeping the body and stops after `cutMs`. */
  get(path: string, stream?: { cutMs: number }): Promise<Answer> {
    return new Promise((resolve) => {
      const started = performance.now();
      let ttfb = NaN;
      let rows = 0;
      let status = 0;
      const chunks: Buffer[] = [];
      const done = (complete: boolean, err?: string) => {
        const ms = performance.now() - started;
        resolve({
          status: err ? 0 : status,
          ms,
          ttfb,
          rows,
          complete,
          body: err ?? Buffer.concat(chunks).toString('utf8'),
        });
      };
      const req = request(
        new URL(path, this.job.url),
        {
          method: 'GET',
          agent: this.agent,
          timeout: 120_000,
          headers: { authorization: `Bearer ${this.job.token}` },
        },
        (res) => {
          status = res.statusCode ?? 0;
          let timer: NodeJS.Timeout | undefined;
          let finished = false;
          res.on('data', (c: Buffer) => {
            if (Number.isNaN(ttfb)) {
              ttfb = performance.now() - started;
              if (stream) {
                timer = setTimeout(() => {
                  if (finished) return;
                  finished = true;
                  // Cut the stream: the socket goes, and the service sees its client leave.
                  req.destroy();
                  done(false);
                }, stream.cutMs);
              }
            }
            if (stream && status === 200) {
              for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) rows += 1;
            } else chunks.push(c);
          });
          res.on('end', () => {
            clearTimeout(timer);
            if (finished) return;
            finished = true;
            done(true);
          });
          res.on('error', () => undefined);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout after 120 s')));
      req.on('error', (err) => {
        if (status === 0) done(false, err.message);
      });
      req.end();
    });
  }
}

type ListAnswer = { next_cursor?: string | number | null; total?: number; limit?: number } & Record<
  string,
  unknown
>;

/** `cursor` rewritten to point after `id`, when it is an id in plain or in base64url text ("id:123"). */
function cursorFor(cursor: string, id: number): string | undefined {
  if (/^\d+$/.test(cursor)) return String(id);
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\D*)\d+$/.exec(text);
  if (!m || Buffer.from(text).toString('base64url') !== cursor) return undefined;
  return Buffer.from(`${m[1]}${id}`).toString('base64url');
}

function parseJson(body: string): ListAnswer | undefined {
  try {
    return JSON.parse(body) as ListAnswer;
  } catch {
    return undefined;
  }
}

export async function probeAdmin(job: AdminJob, report: (event: string) => void): Promise<AdminResult> {
  const client = new Client(job);
  const probes: Probe[] = [];
  const measure = async (name: string, path: string): Promise<Probe> => {
    const probe: Probe = { name, detail: path, ms: [], errors: [] };
    await client.get(path); // warms the plan and the caches; not measured
    for (let i = 0; i < job.repeats; i++) {
      const a = await client.get(path);
      if (a.status === 200) probe.ms.push(a.ms);
      else probe.errors.push(`HTTP ${a.status} after ${Math.round(a.ms)} ms: ${a.body.slice(0, 120)}`);
    }
    probes.push(probe);
    return probe;
  };

  try {
    for (const list of ['vacancies', 'applications'] as const) {
      report(`GET /admin/${list}`);
      const first = `/admin/${list}?limit=50`;
      await measure(`GET /admin/${list}, first page`, first);
      const answer = parseJson((await client.get(first)).body);
      if (answer?.next_cursor) {
        // Keyset pagination: every page costs what any other does; follow the cursor a few pages on.
        const probe: Probe = {
          name: `GET /admin/${list}, pages by next_cursor`,
          detail: '',
          ms: [],
          errors: [],
        };
        let cursor: string | null | undefined = String(answer.next_cursor);
        let page = 1;
        for (; page <= Math.max(job.repeats, 5) && cursor; page++) {
          const a = await client.get(`/admin/${list}?limit=50&cursor=${encodeURIComponent(cursor)}`);
          if (a.status !== 200) {
            probe.errors.push(`HTTP ${a.status} after ${Math.round(a.ms)} ms: ${a.body.slice(0, 120)}`);
            break;
          }
          probe.ms.push(a.ms);
          const next = parseJson(a.body)?.next_cursor;
          cursor = next === null || next === undefined ? undefined : String(next);
        }
        probe.detail = `pages 2 to ${page} (50 rows each), following next_cursor`;
        probes.push(probe);
        // A cursor that carries an id (plain or base64url) can be written for a page near the end.
        const near = Math.max(0, job.maxIds[list] - 100);
        const deep = cursorFor(String(answer.next_cursor), near);
        if (deep) {
          await measure(
            `GET /admin/${list}, deep page (cursor)`,
            `/admin/${list}?limit=50&cursor=${encodeURIComponent(deep)}`,
          );
          (probes[probes.length - 1] as Probe).detail =
            `the page after id ${near} (cursor written by the bench)`;
        }
      } else if (typeof answer?.total === 'number' && answer.total <= 50) {
        probes.push({
          name: `GET /admin/${list}, deep page`,
          detail: `one page only (${answer.total} rows)`,
          ms: [],
          errors: [],
        });
      } else if (typeof answer?.total === 'number') {
        const offset = Math.max(0, answer.total - 50);
        await measure(`GET /admin/${list}, deep page (offset)`, `/admin/${list}?limit=50&offset=${offset}`);
      } else {
        probes.push({
          name: `GET /admin/${list}, deep page`,
          detail: '',
          ms: [],
          errors: ['the first page has neither next_cursor nor total'],
        });
      }
    }

    report('GET /admin/reports/funnel');
    const to = new Date();
    await measure(
      'GET /admin/reports/funnel, full period',
      `/admin/reports/funnel?from=2000-01-01&to=${to.toISOString().slice(0, 10)}T23:59:59Z`,
    );
    await measure('GET /admin/reports/funnel, 7 days', '/admin/reports/funnel');

    for (const name of ['applications', 'profiles'] as const) {
      report(`GET /admin/exports/${name}.csv`);
      const path = `/admin/exports/${name}.csv`;
      const probe: Probe = {
        name: `GET ${path}`,
        detail: path,
        ms: [],
        rowsPerSecond: [],
        rows: [],
        complete: [],
        errors: [],
      };
      for (let i = 0; i < job.repeats; i++) {
        const a = await client.get(path, { cutMs: job.exportSeconds * 1000 });
        if (a.status !== 200) {
          probe.errors.push(`HTTP ${a.status} after ${Math.round(a.ms)} ms: ${a.body.slice(0, 120)}`);
          continue;
        }
        const rows = Math.max(0, a.rows - 1); // the header line
        probe.ms.push(a.ttfb);
        probe.rows?.push(rows);
        probe.complete?.push(a.complete);
        probe.rowsPerSecond?.push(rows / (Math.max(1, a.ms - a.ttfb) / 1000));
      }
      probes.push(probe);
    }
  } finally {
    client.close();
  }
  return { probes };
}
