// Which journeys a USSD session started and completed, from the screen ids it showed (the rules are in
// docs/analytics.md), and what one session adds to the funnel. The one place these rules are written:
// the roll-ups kept as events arrive, their backfill and the report's partial minutes all use it.
import { FIELDS, SECTIONS, type FieldId, type SectionId } from './profile-fields';

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

/** Which journeys one session started and which it completed. Each journey counts once per session. */
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

/**
 * One count of the funnel: `sessions` (journey and screen empty), `started` and `completed` of a journey
 * (screen empty), or `stopped` of a journey at a screen.
 */
export type Tally = {
  metric: 'sessions' | 'started' | 'completed' | 'stopped';
  journey: string;
  screen: string;
};

/**
 * What one session adds to the funnel: it counts as a session; each journey it started counts as started,
 * and then as completed or as stopped at its last screen (`unknown` when the session record had expired).
 */
export function talliesOf(screens: string[], lastScreen: string | null): Tally[] {
  const { started, completed } = journeysOf(screens);
  const out: Tally[] = [{ metric: 'sessions', journey: '', screen: '' }];
  for (const journey of JOURNEYS) {
    if (!started.has(journey)) continue;
    out.push({ metric: 'started', journey, screen: '' });
    if (completed.has(journey)) out.push({ metric: 'completed', journey, screen: '' });
    else out.push({ metric: 'stopped', journey, screen: lastScreen ?? 'unknown' });
  }
  return out;
}
