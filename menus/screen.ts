// The contract between menus and the engine. A menu is an XState machine; each state that shows
// something carries `meta: { screen }`. Menus declare options and inputs; the engine numbers the options,
// validates what the user typed, adds navigation (Back/Home/More), translates and paginates.

import type { Lang } from '../src/domain/language';

export { LANGS, type Lang } from '../src/domain/language';

import type { Params, TextRef } from '../src/domain/copy';

export type { Params, TextRef };

import type { ScreenId } from '../src/domain/screens';

export type { ScreenId };

export type MenuEvent = { type: string; [k: string]: unknown };

export type OptionSpec = { label: TextRef; event: MenuEvent };

/**
 * What a free-input screen accepts; anything else is refused by the engine with `error` (or a default
 * reason) before the machine sees it. A valid entry reaches the machine as `{ type: 'INPUT', value }`.
 */
export type InputSpec = {
  kind: 'digits' | 'text';
  min: number;
  max: number;
  /** Optional extra rule, e.g. `^A\d{9}[A-Z]$`; case-insensitive. */
  pattern?: string;
  error?: TextRef;
  /** A password: the engine never keeps it, and `0`/`00` still navigate. */
  secret?: boolean;
};

export type ScreenSpec<Id extends string = ScreenId> = {
  /**
   * Stable name for analytics and tests, e.g. `main`, `language`: one the screen catalogue
   * (src/domain/screens.ts) declares, with the journey it belongs to and the funnel milestone it marks.
   */
  id: Id;
  /** One line above the text: news about the last step ("Saved."). Not shown again after Back. */
  notice?: TextRef;
  /**
   * Why the machine refused the last entry on this screen (a year out of range, a password too easy to
   * guess). The engine shows it once, in place of any notice, and counts it like its own refusals: the
   * third in a row ends the session. Not shown again after Back.
   */
  error?: TextRef;
  /** What the user is in the middle of, named on the resume prompt ("Payment details"). */
  task?: TextRef;
  /** false: nothing to come back to (Help), so a call dropped here is not offered for resume. */
  resumable?: boolean;
  text?: TextRef;
  /** Lines under the text (a review of saved values): each translated, and paged like options. */
  lines?: TextRef[];
  options?: OptionSpec[];
  input?: InputSpec;
  /** Ends the USSD session (`END`). */
  end?: boolean;
  /** The main menu: no "00 Home" and nothing to resume from here. */
  home?: boolean;
  /** false: Back skips this screen (a password prompt, a result). */
  history?: boolean;
  /**
   * What `0` Back sends to the machine, for a screen whose journey goes back itself (querying the
   * previous list again) instead of the engine restoring a saved copy: lists are not kept twice.
   */
  back?: MenuEvent;
};

/**
 * A screen whatever its id: what the engine renders. The engine does not depend on the catalogue (its
 * tests run made-up machines); the menus' screens are `ScreenSpec`s, with catalogued ids.
 */
export type AnyScreenSpec = ScreenSpec<string>;

export type ScreenMeta<C, Id extends string = ScreenId> = {
  screen: ScreenSpec<Id> | ((context: C) => ScreenSpec<Id>);
};

/** Every menu machine's context has at least these. */
export type BaseContext = { phone: string; lang: Lang };

/** What the engine passes to a machine when it starts (or restarts it at Home). */
export type MenuInput = { phone: string; networkCode?: string } & Record<string, unknown>;

export const INPUT = 'INPUT' as const;
export type InputEvent = { type: typeof INPUT; value: string };

/** A journey that ends with `next` hands the session to that journey, started with `input`. */
export type JourneyOutput = { next?: string; input?: Record<string, unknown> };

/** `meta` for a state that shows a screen (fixed, or computed from the context). */
export function screen<C>(s: ScreenSpec | ((context: C) => ScreenSpec)): ScreenMeta<C> {
  return { screen: s };
}
