// Which journeys a USSD session started and completed, from the screen ids it showed, and what one
// session adds to the funnel. The rules are the milestones the screen catalogue declares
// (src/domain/screens.ts, docs/analytics.md); the roll-ups kept as events arrive, their backfill and the
// report's partial minutes all use this.
import { FUNNEL_JOURNEYS, completedOnLeaving, screenInfo, type Journey } from './screens';

/** The funnel journeys, in report order: `createAccount`, `login`, `profile.<section>`…, `apply`. */
export const JOURNEYS: readonly string[] = FUNNEL_JOURNEYS;

/** Which journeys one session started and which it completed. Each journey counts once per session. */
export function journeysOf(screens: string[]): { started: Set<string>; completed: Set<string> } {
  const started = new Set<string>();
  const completed = new Set<string>();
  /** Per journey, the funnel journey it started last (a profile section, or the journey itself). */
  const open = new Map<Journey, string>();
  screens.forEach((id, i) => {
    const info = screenInfo(id);
    for (const [journey, funnel] of open) {
      if (completedOnLeaving(journey) && info?.journey !== journey && info?.journey !== 'engine')
        completed.add(funnel);
    }
    if (!info?.milestone) return;
    if (info.milestone === 'started') {
      const funnel = info.funnel ?? info.journey;
      started.add(funnel);
      open.set(info.journey, funnel);
    } else if (!info.after || screens[i - 1] === info.after) {
      const funnel = open.get(info.journey);
      if (funnel) completed.add(funnel);
    }
  });
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
