// Turns a menu's screen into the text of one USSD response: translated, options numbered, navigation
// lines added, and split into pages ("98 More") so that no response is longer than the network allows.
// Each page says which options it shows: only those may be chosen on it.
import { translate } from '../domain/copy';
import type { Lang, Params, AnyScreenSpec } from '../../menus/screen';
import { gsm7Length, toGsm7 } from '../domain/gsm7';

export type RenderRequest = {
  lang: Lang;
  screen: AnyScreenSpec;
  /** Characters one response may carry (160 on Safaricom, 182 on Airtel). */
  limit: number;
  /** Whether "0 Back" leads somewhere from the first page. */
  canBack: boolean;
  /** Fills {code} and {sms} in copy. */
  globals: Params;
  /** A reason shown above the screen (the engine's, for refused input). */
  notice?: string;
  /** The screen was restored by Back: its own notice and error answered an earlier entry, not shown. */
  quiet?: boolean;
};

/** One response body (without CON/END) and the numbers of the options it shows, in order. */
export type RenderedPage = { text: string; options: number[] };

/** A body line; an option's line (and every piece of it, when wrapped) carries the option's number. */
type Line = { text: string; option?: number };

const len = (lines: string[]) => gsm7Length(lines.join('\n'));

function footer(req: RenderRequest, page: number, more: boolean): string[] {
  if (req.screen.end) return [];
  const lines: string[] = [];
  if (more) lines.push(translate(req.lang, 'nav.more'));
  const back = page > 0 || req.canBack;
  const home = !req.screen.home;
  if (back && home) lines.push(translate(req.lang, 'nav.backHome'));
  else if (back) lines.push(translate(req.lang, 'nav.back'));
  else if (home) lines.push(translate(req.lang, 'nav.home'));
  return lines.map(toGsm7);
}

/** How many characters of `text` fit in `room` septets (extension characters take two). */
function fittingPrefix(text: string, room: number): number {
  let used = 0;
  let i = 0;
  for (const ch of text) {
    used += gsm7Length(ch);
    if (used > room) break;
    i += ch.length;
  }
  return Math.max(i, 1);
}

/** Splits a line that cannot fit a page into word-wrapped pieces of at most `room` characters. */
function wrap(line: string, room: number): string[] {
  const pieces: string[] = [];
  let cur = '';
  for (const word of line.split(' ')) {
    const next = cur ? `${cur} ${word}` : word;
    if (gsm7Length(next) <= room) cur = next;
    else {
      if (cur) pieces.push(cur);
      cur = word;
      while (gsm7Length(cur) > room) {
        const cut = fittingPrefix(cur, room);
        pieces.push(cur.slice(0, cut));
        cur = cur.slice(cut);
      }
    }
  }
  if (cur) pieces.push(cur);
  return pieces;
}

/**
 * Every page of the screen, each with the options it shows (an option wrapped across pages is on each of
 * them). Everything is folded to GSM-7 before it is measured, whatever the data holds: one character
 * outside it would switch the screen to UCS-2 and halve what fits.
 */
export function renderPages(req: RenderRequest): RenderedPage[] {
  const { screen, lang } = req;
  const t = (ref: Parameters<typeof translate>[1]) => toGsm7(translate(lang, ref, req.globals));
  // One line on top, the answer to the last entry: the engine's refusal, else the machine's error, else
  // its news. Never two: a refusal makes an earlier error stale.
  const own = req.quiet ? undefined : (screen.error ?? screen.notice);
  const top = req.notice !== undefined ? toGsm7(req.notice) : own && t(own);
  const withTitle = (title: boolean): Line[] => {
    const lines: Line[] = [];
    if (top) lines.push({ text: top });
    if (screen.text && title) lines.push({ text: t(screen.text) });
    for (const line of screen.lines ?? []) lines.push({ text: t(line) });
    (screen.options ?? []).forEach((o, i) => lines.push({ text: `${i + 1}. ${t(o.label)}`, option: i + 1 }));
    return lines;
  };
  const texts = (lines: Line[]) => lines.map((l) => l.text);

  const body = withTitle(true);
  const single = [...texts(body), ...footer(req, 0, false)];
  if (len(single) <= req.limit) return [page(single, body)];
  if (top && screen.text) {
    // The line on top takes the title's place when both do not fit: a menu is not split over two pages
    // (its last options behind "98") because an entry was refused.
    const untitled = withTitle(false);
    const short = [...texts(untitled), ...footer(req, 0, false)];
    if (len(short) <= req.limit) return [page(short, untitled)];
  }
  // An END screen takes no input: the first piece that fits, nothing to choose.
  if (screen.end) return [page([wrap(texts(body).join('\n'), req.limit)[0] ?? ''], [])];

  const pages: Line[][] = [];
  let cur: Line[] = [];
  const room = (n: number) => req.limit - len(footer(req, n, true)) - 1;
  for (const line of body) {
    if (len(texts([...cur, line])) <= room(pages.length)) {
      cur.push(line);
      continue;
    }
    if (cur.length > 0) {
      pages.push(cur);
      cur = [];
    }
    if (gsm7Length(line.text) <= room(pages.length)) cur.push(line);
    else {
      const pieces = wrap(line.text, room(1)).map((text) => ({ text, option: line.option }));
      cur = [pieces.pop() ?? { text: '' }];
      pages.push(...pieces.map((p) => [p]));
    }
  }
  if (cur.length > 0) pages.push(cur);
  return pages.map((lines, i) => page([...texts(lines), ...footer(req, i, i < pages.length - 1)], lines));
}

function page(text: string[], lines: Line[]): RenderedPage {
  const options = [...new Set(lines.flatMap((l) => (l.option === undefined ? [] : [l.option])))];
  // The last guard: nothing outside GSM-7 leaves here (a no-op for text already folded above).
  return { text: toGsm7(text.join('\n')), options };
}
