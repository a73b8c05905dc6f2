// The console's one way to the service: the admin API, with the operator's token as a bearer header.
// The token is kept in this tab (sessionStorage): closing the tab signs out.

const KEY = 'cp2.operatorToken';

export type Answer<T> = { status: number; body: T };

/** What the admin API answers on an error (400, 404, 409 …). */
export type Problem = {
  error?: string;
  issues?: { in: string; path: string; message: string }[];
  result?: string;
  status?: string;
};

export class SignedOut extends Error {}

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (t: string): void => sessionStorage.setItem(KEY, t),
  clear: (): void => sessionStorage.removeItem(KEY),
};

let onSignedOut: (why: string) => void = () => undefined;

export function whenSignedOut(f: (why: string) => void): void {
  onSignedOut = f;
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>> {
  const t = token.get();
  if (!t) {
    onSignedOut('Sign in with your operator token.');
    throw new SignedOut();
  }
  const res = await fetch(`/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 || res.status === 403) {
    token.clear();
    onSignedOut(
      res.status === 403
        ? 'The admin API is off on this service: set ADMIN_TOKEN or ADMIN_TOKENS and restart it.'
        : 'The service did not accept this token.',
    );
    throw new SignedOut();
  }
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** One line saying why a request was refused. */
export function problem(p: Problem, status: number): string {
  if (p.issues?.length) return p.issues.map((i) => `${i.path || i.in}: ${i.message}`).join('; ');
  return p.error ?? `refused (${status})`;
}

/** `a=1&b=2` of the values that are set. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
