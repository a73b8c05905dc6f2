// What one entry means on the screen the user is looking at, before any machine is moved: a page turn
// (98, 0), Back (the journey's own, or the screen behind), Home (00), a refusal, or an answer for the
// screen. Pure: a function of the screen, the pages as shown and where the session stands, so that every
// rule of the keypad can be read and tested in one place. The engine carries the decision out.
import type { AnyScreenSpec, MenuEvent, TextRef } from '../../menus/screen';
import type { RenderedPage } from './render';
import { validateInput } from './validate-input';

export type Position = {
  /** The page on show (0-based) and the pages of the screen as the user sees them. */
  page: number;
  pages: RenderedPage[];
  /** Screens saved behind this one (for Back). */
  history: number;
  /** The resume prompt is on show (Back leads nowhere from it). */
  offering: boolean;
};

export type Move =
  /** Another page of the same screen. */
  | { kind: 'page'; page: number }
  /** Back, done by the journey itself (a list queried again). */
  | { kind: 'journeyBack'; event: MenuEvent }
  /** Back to the screen saved behind this one. */
  | { kind: 'historyBack' }
  /** The main menu. */
  | { kind: 'home' }
  /** Not accepted: the reason goes above the screen and counts towards the three refusals. */
  | { kind: 'refuse'; reason: TextRef }
  /** An answer the screen accepts. */
  | { kind: 'answer'; event: MenuEvent };

export function navigate(screen: AnyScreenSpec, raw: string, at: Position): Move {
  if (raw === '98' && at.page < at.pages.length - 1) return { kind: 'page', page: at.page + 1 };
  if (raw === '0' && at.page > 0) return { kind: 'page', page: at.page - 1 };
  if (raw === '0' && !screen.end && !at.offering) {
    if (screen.back) return { kind: 'journeyBack', event: screen.back };
    if (at.history > 0) return { kind: 'historyBack' };
  }
  // 00 goes Home from every screen; on the main menu and the resume prompt, where there is nothing
  // behind, 0 does too (it shows the main menu again rather than "Invalid choice").
  if (!screen.end && (raw === '00' || (raw === '0' && screen.home))) return { kind: 'home' };
  if (offPage(screen, raw, at)) return { kind: 'refuse', reason: 'engine.invalidOption' };
  const v = validateInput(screen, raw);
  return v.ok ? { kind: 'answer', event: v.event } : { kind: 'refuse', reason: v.reason };
}

/**
 * Whether `raw` is the number of one of the screen's options that the page on show does not show: the
 * user has not seen it (a vacancy's "Confirm" behind "98 More"), so it is refused like any bad option.
 */
export function offPage(screen: AnyScreenSpec, raw: string, at: Pick<Position, 'page' | 'pages'>): boolean {
  const count = screen.input ? 0 : (screen.options?.length ?? 0);
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 1 || n > count) return false; // not an option: validation refuses it
  const shown = at.pages[Math.min(at.page, at.pages.length - 1)];
  return !shown?.options.includes(n);
}
