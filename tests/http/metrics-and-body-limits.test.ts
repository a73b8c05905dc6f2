// /metrics behind METRICS_TOKEN, and body sizes: webhooks take AT's few short fields (16 kB, form or
// JSON), only the operator API takes larger JSON bodies (bulk review).
import { startTestApp, type TestApp } from '../support/test-app';

const METRICS = 'scrape-secret-0123456789';
const ADMIN = 'ops-token-0123456789abcdef';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { METRICS_TOKEN: METRICS, ADMIN_TOKEN: ADMIN } });
});
afterAll(() => app.close());

test.each([
  ['no Authorization header', undefined, 401],
  ['a wrong bearer token', 'Bearer nope', 401],
  ['the token as Basic', `Basic ${METRICS}`, 401],
  ['METRICS_TOKEN as a bearer token', `Bearer ${METRICS}`, 200],
])('GET /metrics with %s → %i', async (_name, authorization, status) => {
  const res = await fetch(`${app.url}/metrics`, { headers: authorization ? { authorization } : {} });
  expect(res.status).toBe(status);
  const text = await res.text();
  if (status === 200) {
    // What a person reading the scrape checks first: the series are there, with this app's values (a
    // database of its own, the demo set, nothing queued, no hop yet).
    expect(text).toContain('# TYPE ussd_hops_total counter');
    expect(line(text, 'outbox_depth')).toBe('outbox_depth 0');
    expect(line(text, 'applications{status="submitted"}')).toBe('applications{status="submitted"} 0');
  } else {
    expect(text).not.toContain('ussd_hops_total');
    expect(text).not.toContain('outbox_depth');
  }
});

/** The line of one series in a scrape. */
function line(text: string, series: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`${series} `));
}

test('without METRICS_TOKEN /metrics stays open (a scraper inside the network)', async () => {
  const open = await startTestApp();
  try {
    const res = await fetch(`${open.url}/metrics`);
    expect(res.status).toBe(200);
    expect(line(await res.text(), 'outbox_depth')).toBe('outbox_depth 0');
  } finally {
    await open.close();
  }
});

const hop = { sessionId: 'big-1', serviceCode: '*384*22262#', phoneNumber: '+254711000001', text: '' };

test('a webhook refuses a JSON body over 16 kB as a bad request, and answers a normal one', async () => {
  const post = (body: unknown) =>
    fetch(`${app.url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const big = await post({ ...hop, padding: 'x'.repeat(20_000) });
  expect(big.status).toBe(400);
  expect(await big.text()).toBe('END Bad request');
  const small = await post(hop);
  expect(small.status).toBe(200);
  expect(await small.text()).toMatch(/^CON /);
});

test('the operator API reads JSON bodies over 16 kB (then its own schema answers)', async () => {
  const ids = Array.from({ length: 4000 }, (_, i) => i + 1_000_000);
  expect(JSON.stringify({ ids }).length).toBeGreaterThan(16_384);
  const res = await fetch(`${app.url}/admin/applications/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ ids, decision: 'approve' }),
  });
  // Parsed, then refused by the schema for its length: an unread body would be "expected object".
  expect(res.status).toBe(400);
  const body = (await res.json()) as { issues: { in: string; path: string; message: string }[] };
  expect(body.issues).toEqual([expect.objectContaining({ in: 'body', path: 'ids' })]);
  expect(body.issues[0]?.message).toMatch(/500/);
});
