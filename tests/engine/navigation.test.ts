// The keypad's rules and resume's decisions as pure functions (src/engine/navigation.ts, resume.ts): what
// 98, 0, 00, an option off the page and a bad entry mean on a screen, and where "Continue" leads. The same
// rules through HTTP on real menus: tests/screens/main-menu.test.ts and tests/engine/hops.test.ts.
import type { AnyScreenSpec } from '../../menus/screen';
import { navigate, type Position } from '../../src/engine/navigation';
import { continuation, keepsForResume, resumeScreen } from '../../src/engine/resume';
import type { Saved } from '../../src/engine/session-record';

const lit = (literal: string) => ({ literal });
const list: AnyScreenSpec = {
  id: 'list',
  text: lit('Choose'),
  options: [1, 2, 3, 4].map((n) => ({ label: lit(`Item ${n}`), event: { type: 'PICK', n } })),
};
/** Two pages: options 1-2 on the first, 3-4 on the second. */
const twoPages = [
  { text: 'page 1', options: [1, 2] },
  { text: 'page 2', options: [3, 4] },
];
const at = (p: Partial<Position> = {}): Position => ({
  page: 0,
  pages: twoPages,
  history: 0,
  offering: false,
  ...p,
});

describe('navigate', () => {
  test('98 turns to the next page while there is one; 0 turns back while not on the first', () => {
    expect(navigate(list, '98', at())).toEqual({ kind: 'page', page: 1 });
    expect(navigate(list, '0', at({ page: 1 }))).toEqual({ kind: 'page', page: 0 });
    // On the last page 98 is not a page turn: it is an entry like any other, and not an option.
    expect(navigate(list, '98', at({ page: 1 }))).toEqual({ kind: 'refuse', reason: 'engine.invalidOption' });
  });

  test('0 on the first page goes back: the journey itself when it says how, else the screen behind', () => {
    const own = { ...list, back: { type: 'BACK' } };
    expect(navigate(own, '0', at({ history: 2 }))).toEqual({ kind: 'journeyBack', event: { type: 'BACK' } });
    expect(navigate(list, '0', at({ history: 2 }))).toEqual({ kind: 'historyBack' });
    // Nothing behind and not the main menu: 0 is not an option here.
    expect(navigate(list, '0', at())).toEqual({ kind: 'refuse', reason: 'engine.invalidOption' });
  });

  test('00 goes home from every screen but an ending one; 0 does too on the main menu', () => {
    expect(navigate(list, '00', at({ history: 3 }))).toEqual({ kind: 'home' });
    expect(navigate({ ...list, home: true }, '0', at())).toEqual({ kind: 'home' });
    expect(navigate({ ...list, end: true }, '00', at()).kind).toBe('refuse');
  });

  test('on the resume prompt 0 is Home, never Back to a screen of the dropped journey', () => {
    expect(navigate(resumeScreen(), '0', at({ pages: [twoPages[0]!], history: 4, offering: true }))).toEqual({
      kind: 'home',
    });
  });

  test('an option that is not on the page on show is refused, as is anything not an option', () => {
    expect(navigate(list, '3', at())).toEqual({ kind: 'refuse', reason: 'engine.invalidOption' });
    expect(navigate(list, '3', at({ page: 1 }))).toEqual({ kind: 'answer', event: { type: 'PICK', n: 3 } });
    expect(navigate(list, '1', at())).toEqual({ kind: 'answer', event: { type: 'PICK', n: 1 } });
    expect(navigate(list, '7', at()).kind).toBe('refuse');
    expect(navigate(list, 'x', at()).kind).toBe('refuse');
  });

  test('free text is checked by the screen: too short is refused with the length it needs', () => {
    const input: AnyScreenSpec = { id: 'name', text: lit('Name'), input: { kind: 'text', min: 2, max: 5 } };
    const pages = [{ text: 'Name', options: [] }];
    expect(navigate(input, 'Al', at({ pages }))).toEqual({
      kind: 'answer',
      event: { type: 'INPUT', value: 'Al' },
    });
    expect(navigate(input, 'A', at({ pages }))).toEqual({
      kind: 'refuse',
      reason: { key: 'engine.invalidText', params: { min: 2, max: 5 } },
    });
  });
});

describe('resume', () => {
  const saved = (context: Record<string, unknown>): Saved => ({
    snapshot: { journey: 'apply', shape: 'x', state: { context } },
    history: [],
    page: 1,
  });
  const gate = { journey: 'login', sessionOnly: ['accountId'] };
  const sticky = (ctx: Record<string, unknown>) => ({ lang: ctx.lang, accountId: ctx.accountId });

  test('"Start again" keeps the fresh start', () => {
    expect(continuation(saved({}), { type: 'RESTART' }, gate, sticky)).toEqual({ kind: 'restart' });
  });

  test('"Continue" restores a journey that was not logged in as it was', () => {
    const offer = saved({ lang: 'sw' });
    expect(continuation(offer, { type: 'RESUME' }, gate, sticky)).toEqual({ kind: 'restore', saved: offer });
  });

  test('"Continue" on a logged-in journey goes through the login first, not carrying the login', () => {
    const offer = saved({ lang: 'sw', accountId: 7 });
    expect(continuation(offer, { type: 'RESUME' }, gate, sticky)).toEqual({
      kind: 'gate',
      journey: 'login',
      carried: { lang: 'sw' },
      saved: offer,
    });
  });

  test('a screen is kept for a later dial unless the session ended, it is home, or it says not to', () => {
    const screen: AnyScreenSpec = { id: 's', text: lit('s') };
    expect(keepsForResume(screen, false, 600)).toBe(true);
    expect(keepsForResume(screen, true, 600)).toBe(false);
    expect(keepsForResume({ ...screen, home: true }, false, 600)).toBe(false);
    expect(keepsForResume({ ...screen, resumable: false }, false, 600)).toBe(false);
    expect(keepsForResume(screen, false, 0)).toBe(false);
  });
});
