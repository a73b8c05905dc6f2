// The funnel over periods cut anywhere (whole days, whole minutes, parts of a minute, across midnight)
// gives exactly what counting the sessions themselves gives. The sessions are written straight into
// ussd_sessions at chosen times and the roll-ups rebuilt from them, as the national seed does.
import { rebuildFunnelRollups } from '../../src/domain/funnel-rollups';
import { JOURNEYS, journeysOf } from '../../src/domain/session-journeys';
import { startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'ops-token-0123456789abcdef';

type Session = { at: string; screens: string[]; last: string | null };
const LOGIN_APPLY = ['main', 'login.prompt', 'apply.choose.exam'];
const SESSIONS: Session[] = [
  { at: '2026-11-09T23:59:30.500Z', screens: LOGIN_APPLY, last: 'apply.choose.exam' },
  {
    at: '2026-11-10T00:00:00.000Z',
    screens: ['main', 'account.confirm', 'account.created'],
    last: 'account.created',
  },
  { at: '2026-11-10T00:00:59.999Z', screens: ['main', 'account.confirm'], last: 'account.confirm' },
  { at: '2026-11-10T00:01:00.000Z', screens: ['main'], last: 'main' },
  { at: '2026-11-10T12:00:00.250Z', screens: ['main', 'login.prompt'], last: 'login.prompt' },
  { at: '2026-11-10T12:00:00.250Z', screens: LOGIN_APPLY, last: 'apply.choose.exam' },
  { at: '2026-11-11T00:00:10.000Z', screens: [], last: null },
  { at: '2026-11-12T08:00:00.000Z', screens: [...LOGIN_APPLY, 'apply.submitted'], last: 'apply.submitted' },
  { at: '2026-11-14T17:45:12.000Z', screens: ['main', 'login.prompt'], last: 'login.prompt' },
];

/** The funnel counted from the sessions one by one: what the report must say. */
function expected(from: string, to: string) {
  const inside = SESSIONS.filter(
    (s) => Date.parse(s.at) >= Date.parse(from) && Date.parse(s.at) < Date.parse(to),
  );
  return {
    sessions: inside.length,
    journeys: JOURNEYS.map((journey) => {
      const started = inside.filter((s) => journeysOf(s.screens).started.has(journey));
      const done = started.filter((s) => journeysOf(s.screens).completed.has(journey));
      const stops = new Map<string, number>();
      for (const s of started.filter((x) => !done.includes(x))) {
        stops.set(s.last ?? 'unknown', (stops.get(s.last ?? 'unknown') ?? 0) + 1);
      }
      return {
        journey,
        started: started.length,
        completed: done.length,
        stopped: [...stops]
          .map(([screen, count]) => ({ screen, count }))
          .sort((x, y) => y.count - x.count || x.screen.localeCompare(y.screen)),
      };
    }),
  };
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
  await app.db('ussd_sessions').insert(
    SESSIONS.map((s, i) => ({
      session_id: `ATUid_period_${i}`,
      status: 'Success',
      last_screen: s.last,
      screens: JSON.stringify(s.screens),
      ended_at: new Date(s.at),
    })),
  );
  await app.db.transaction((trx) => rebuildFunnelRollups(trx));
});
afterAll(() => app.close());

test.each([
  ['the whole season', '2026-11-01', '2026-12-01'],
  ['one whole day', '2026-11-10', '2026-11-11'],
  ['one day in Nairobi time', '2026-11-10T00:00:00+03:00', '2026-11-11T00:00:00+03:00'],
  ['from a session to the millisecond', '2026-11-09T23:59:30.500Z', '2026-11-10T00:00:59.999Z'],
  ['from just after it', '2026-11-09T23:59:30.501Z', '2026-11-10T00:01:00.001Z'],
  ['inside one minute', '2026-11-10T00:00:00.001Z', '2026-11-10T00:00:59.9995Z'],
  ['whole minutes only', '2026-11-10T00:00:00Z', '2026-11-10T00:02:00Z'],
  ['partial minutes and whole days at both ends', '2026-11-09T23:59:31Z', '2026-11-14T17:45:12.001Z'],
  ['ending just before the last session', '2026-11-09T23:00:00Z', '2026-11-14T17:45:12Z'],
  ['a period with no session', '2026-11-20', '2026-11-21'],
])('%s', async (_what, from, to) => {
  const res = await fetch(
    `${app.url}/admin/reports/funnel?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    {
      headers: { authorization: `Bearer ${TOKEN}` },
    },
  );
  expect(res.status).toBe(200);
  const report = (await res.json()) as { sessions: number; journeys: unknown[] };
  const want = expected(new Date(from).toISOString(), new Date(to).toISOString());
  expect({ sessions: report.sessions, journeys: report.journeys }).toEqual(want);
});
