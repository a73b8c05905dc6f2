// Resuming a journey dropped in the middle (a call cut, a timeout): the prompt a new dial shows, what
// "Continue" leads to, and whether the journey on show is kept for a later dial. Pure functions; the
// engine reads and writes the resume record (`keys.resume`) around them.
import type { AnyScreenSpec, Params, ScreenSpec, TextRef } from '../../menus/screen';
import type { Saved } from './session-record';

/**
 * The engine's own screen: offered on a new dial when a journey was dropped in the middle, naming what
 * was left unfinished when the dropped screen says (its `task`).
 */
export function resumeScreen(task?: TextRef): ScreenSpec {
  return {
    id: 'resume',
    text: task ? { key: 'engine.resumeTask', params: { task: taskParam(task) } } : 'engine.resume',
    home: true,
    options: [
      { label: 'engine.resumeContinue', event: { type: 'RESUME' } },
      { label: 'engine.resumeRestart', event: { type: 'RESTART' } },
    ],
  };
}

/** A task as a parameter of the resume text (a key with parameters is translated with its own). */
function taskParam(task: TextRef): Params[string] {
  if (typeof task === 'string') return { key: task };
  if ('literal' in task) return task.literal;
  return { key: task.key, params: task.params };
}

/** The login a resumed journey goes through first, and the context that only lives for one session. */
export type ResumeGate = { journey: string; sessionOnly: readonly string[] };

export type Continuation =
  /** "Start again": the fresh start stays. */
  | { kind: 'restart' }
  /** Back to the dropped screen as it was. */
  | { kind: 'restore'; saved: Saved }
  /** Through the gate's journey (the login) first, carrying what may be carried, then back. */
  | { kind: 'gate'; journey: string; carried: Record<string, unknown>; saved: Saved };

/**
 * What the answer to the resume prompt leads to. A journey that was logged in goes through the login
 * first: the password is asked once per USSD session, and a resume is a new session.
 */
export function continuation(
  offer: Saved,
  answer: { type: string },
  gate: ResumeGate | undefined,
  /** The sticky part of a context (menu-runtime carryFrom). */
  sticky: (ctx: Record<string, unknown>) => Record<string, unknown>,
): Continuation {
  if (answer.type !== 'RESUME') return { kind: 'restart' };
  const ctx = offer.snapshot.state.context;
  if (!gate || !gate.sessionOnly.some((k) => Boolean(ctx[k]))) return { kind: 'restore', saved: offer };
  const carried = Object.fromEntries(
    Object.entries(sticky(ctx)).filter(([k]) => !gate.sessionOnly.includes(k)),
  );
  return { kind: 'gate', journey: gate.journey, carried, saved: offer };
}

/**
 * Whether the screen on show is kept for a later dial: not once the session ended, not on the main menu,
 * not on a screen that says it cannot be resumed, and not when resume is switched off.
 */
export function keepsForResume(shown: AnyScreenSpec, ended: boolean, windowSeconds: number): boolean {
  return !ended && !shown.home && shown.resumable !== false && windowSeconds > 0;
}
