// Turns a menu's screen into the text of one USSD response: translated, options numbered, navigation
// lines added, and split into pages ("98 More") so that no response is longer than the network allows.
import { translate } from '../../menus/copy';
import type { Lang, Params, ScreenSpec } from '../../menus/screen';
import { gsm7Length } from '../domain/gsm7';

export type RenderRequest = {
  lang: Lang;
  screen: ScreenSpec;
  /** Characters one response may carry (160 on Safaricom, 182 on Airtel). */
  limit: number;
  /** Whether "0 Back" leads somewhere from the first page. */
  canBack: boolean;
  /** Fills {code} and {sms} in copy. */
  globals: Params;
  /** A reason shown above the screen (the engine's, for refused input). */
  notice?: string;
};

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
  return lines;
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

/** Every page of the screen, each a complete response body (without CON/END). */
export function renderPages(req: RenderRequest): string[] {
  const { screen, lang } = req;
  const body: string[] = [];
  if (req.notice) body.push(req.notice);
  if (screen.notice) body.push(translate(lang, screen.notice, req.globals));
  if (screen.text) body.push(translate(lang, screen.text, req.globals));
  for (const line of screen.lines ?? []) body.push(translate(lang, line, req.globals));
  (screen.options ?? []).forEach((o, i) => body.push(`${i + 1}. ${translate(lang, o.label, req.globals)}`));

  const single = [...body, ...footer(req, 0, false)];
  if (len(single) <= req.limit) return [single.join('\n')];
  if (screen.end) return [wrap(body.join('\n'), req.limit)[0] ?? ''];

  const pages: string[][] = [];
  let cur: string[] = [];
  const room = (page: number) => req.limit - len(footer(req, page, true)) - 1;
  for (const line of body) {
    if (len([...cur, line]) <= room(pages.length)) {
      cur.push(line);
      continue;
    }
    if (cur.length > 0) {
      pages.push(cur);
      cur = [];
    }
    if (gsm7Length(line) <= room(pages.length)) cur.push(line);
    else {
      const pieces = wrap(line, room(1));
      cur = [pieces.pop() ?? ''];
      pages.push(...pieces.map((p) => [p]));
    }
  }
  if (cur.length > 0) pages.push(cur);
  return pages.map((lines, i) => [...lines, ...footer(req, i, i < pages.length - 1)].join('\n'));
}
