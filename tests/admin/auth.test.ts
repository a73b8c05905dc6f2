import { startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'ops-token-0123456789abcdef';
const OTHER = 'review-token-0123456789abcdef';

describe('with named tokens', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN},review:${OTHER}` } });
  });
  afterAll(() => app.close());

  test.each([
    ['no Authorization header', 401, undefined],
    ['a wrong token', 401, 'Bearer not-a-token-at-all-xxxxxxxx'],
    ['a token that is not Bearer', 401, `Basic ${TOKEN}`],
    ['a configured token', 200, `Bearer ${TOKEN}`],
    ['another configured token', 200, `Bearer ${OTHER}`],
  ])('%s → %i', async (_name, status, authorization) => {
    const res = await fetch(`${app.url}/admin/openapi.json`, {
      headers: authorization ? { authorization } : {},
    });
    expect(res.status).toBe(status);
  });

  test('a token removed from the configuration (revoked) is refused', async () => {
    const other = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
    try {
      const res = await fetch(`${other.url}/admin/openapi.json`, {
        headers: { authorization: `Bearer ${OTHER}` },
      });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });

  test('the OpenAPI document describes the admin API', async () => {
    const res = await fetch(`${app.url}/admin/openapi.json`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
  });
});

test('without any token configured the admin API is refused', async () => {
  const app = await startTestApp();
  try {
    const res = await fetch(`${app.url}/admin/openapi.json`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(403);
  } finally {
    await app.close();
  }
});
