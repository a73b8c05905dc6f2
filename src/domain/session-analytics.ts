// Session analytics (docs/analytics.md): AT's end-of-session notifications, stored with the engine's
// screen ids, and the funnel report computed from them. No user input is ever stored here.
import type { Db } from '../db/knex';
import { FIELDS, SECTIONS, type FieldId, type SectionId } from './profile-fields';

export type SessionEnd = {
  sessionId: string;
  phone: string | null;
  status: string | null;
  hops: number | null;
  durationMs: number | null;
  lastScreen: string | null;
  screens: string[];
  errorMessage: string | null;
};

/** Upserts the session's row: AT may repeat a notification, the latest one wins. */
export async function recordSessionEnd(db: Db, e: SessionEnd): Promise<void> {
  await db('ussd_sessions')
    .insert({
      session_id: e.sessionId,
      phone: e.phone,
      status: e.status,
      hops: e.hops,
      duration_ms: e.durationMs,
      last_screen: e.lastScreen,
      screens: JSON.stringify(e.screens),
      error_message: e.errorMessage,
      ended_at: db.fn.now(),
    })
    .onConflict('session_id')
    .merge();
}

export type JourneyFunnel = {
  journey: string;
  started: number;
  completed: number;
  /** Where the sessions that started and did not complete stopped: their last screen, most first. */
  stopped: { screen: string; count: number }[];
};

export type FunnelReport = { from: string; to: string; sessions: number; journeys: JourneyFunnel[] };

export const JOURNEYS = ['createAccount', 'login', ...SECTIONS.map((s) => `profile.${s}`), 'apply'] as const;

/** The section a `profile.field.<id>` screen belongs to. */
function sectionOf(screen: string): SectionId | undefined {
  const id = screen.startsWith('profile.field.') ? screen.slice('profile.field.'.length) : undefined;
  return id && id in FIELDS ? FIELDS[id as FieldId].section : undefined;
}

/** Whether `to` is shown after the first `from` in the trail. */
function after(screens: string[], from: string, to: (s: string) => boolean): boolean {
  const i = screens.indexOf(from);
  return i >= 0 && screens.slice(i + 1).some(to);
}

/**
 * Which journeys one session started and which it completed (the rules are in docs/analytics.md). Each
 * journey counts once per session.
 */
export function journeysOf(screens: string[]): { started: Set<string>; completed: Set<string> } {
  const started = new Set<string>();
  const completed = new Set<string>();
  if (screens.includes('account.confirm')) {
    started.add('createAccount');
    if (after(screens, 'account.confirm', (s) => s === 'account.created')) completed.add('createAccount');
  }
  if (screens.includes('login.prompt')) {
    started.add('login');
    if (after(screens, 'login.prompt', (s) => !s.startsWith('login') && !s.startsWith('engine.')))
      completed.add('login');
  }
  let section: SectionId | undefined;
  screens.forEach((s, i) => {
    const own = sectionOf(s);
    if (own) {
      section = own;
      started.add(`profile.${own}`);
    }
    if (s === 'profile.overview' && screens[i - 1] === 'profile.confirm' && section)
      completed.add(`profile.${section}`);
  });
  if (screens.includes('apply.choose.exam')) {
    started.add('apply');
    if (after(screens, 'apply.choose.exam', (s) => s === 'apply.submitted')) completed.add('apply');
  }
  return { started, completed };
}

/** The funnel of every journey over the sessions that ended in [from, to). Streams the rows. */
export async function funnelReport(db: Db, from: Date, to: Date): Promise<FunnelReport> {
  const acc = new Map(
    JOURNEYS.map((j) => [j, { started: 0, completed: 0, stopped: new Map<string, number>() }]),
  );
  let sessions = 0;
  const rows = db('ussd_sessions')
    .where('ended_at', '>=', from)
    .andWhere('ended_at', '<', to)
    .select('screens', 'last_screen')
    .stream();
  for await (const row of rows as AsyncIterable<{ screens: string[]; last_screen: string | null }>) {
    sessions += 1;
    const { started, completed } = journeysOf(row.screens);
    for (const j of started) {
      const a = acc.get(j as (typeof JOURNEYS)[number]);
      if (!a) continue;
      a.started += 1;
      if (completed.has(j)) a.completed += 1;
      else {
        const at = row.last_screen ?? 'unknown';
        a.stopped.set(at, (a.stopped.get(at) ?? 0) + 1);
      }
    }
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    sessions,
    journeys: [...acc].map(([journey, a]) => ({
      journey,
      started: a.started,
      completed: a.completed,
      stopped: [...a.stopped]
        .map(([screen, count]) => ({ screen, count }))
        .sort((x, y) => y.count - x.count || x.screen.localeCompare(y.screen)),
    })),
  };
}
