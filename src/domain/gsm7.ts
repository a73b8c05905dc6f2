// GSM 03.38 default alphabet. A character outside it switches a whole USSD screen or SMS to UCS-2 and
// halves what fits, so every screen and template is checked against this table, and what a user types
// is folded into it (or refused) before it is kept.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: each of these costs two septets (escape + char). */
const EXTENDED = '^{}\\[~]|€\f';

const basic = new Set(BASIC);
const extended = new Set(EXTENDED);

/** The accented Latin letters GSM-7 has: kept as typed (other accents are dropped). */
export const GSM7_ACCENTED_LETTERS = 'ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùü';

/**
 * Characters with a GSM-7 spelling that Unicode decomposition does not give: typographic quotes and
 * dashes (phones and word processors put them in), and letters written with a stroke.
 */
const EQUIVALENTS: Record<string, string> = {
  ...Object.fromEntries([...'‘’‚‛′ʼʹ`´'].map((c) => [c, "'"])),
  ...Object.fromEntries([...'“”„‟″«»'].map((c) => [c, '"'])),
  ...Object.fromEntries([...'‐‑‒–—―−'].map((c) => [c, '-'])),
  '…': '...',
  '\u00a0': ' ',
  '\t': ' ',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Ħ: 'H',
  ħ: 'h',
  Ŧ: 'T',
  ŧ: 't',
  ı: 'i',
  Œ: 'OE',
  œ: 'oe',
  Þ: 'Th',
  þ: 'th',
};

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extended.has(ch)) return false;
  return true;
}

/** Length in GSM-7 septets (extension characters count twice). */
export function gsm7Length(text: string): number {
  let n = 0;
  for (const ch of text) n += extended.has(ch) ? 2 : 1;
  return n;
}

/** One character's GSM-7 spelling ('' for an invisible one), or undefined when it has none. */
function foldChar(ch: string): string | undefined {
  if (basic.has(ch) || extended.has(ch)) return ch;
  const equivalent = EQUIVALENTS[ch];
  if (equivalent !== undefined) return equivalent;
  // Zero-width spaces, joiners, bidi marks, soft hyphens and stray accents show nothing of their own.
  if (/^[\p{Cf}\p{M}]$/u.test(ch)) return '';
  // ô → o, ﬁ → fi, fullwidth Ａ → A, en space → space; é stays é (checked first, above).
  const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
  return base !== '' && isGsm7(base) ? base : undefined;
}

export type Folded = { text: string; unshowable: string[] };

/**
 * `text` in GSM-7: each character with a GSM-7 equivalent folded to it, and each one without (emoji,
 * other scripts, control characters) listed in `unshowable` and written as `?`.
 */
export function foldGsm7(text: string): Folded {
  let out = '';
  const unshowable: string[] = [];
  // NFC first, so that e + combining acute is the é GSM-7 has.
  for (const ch of text.normalize('NFC')) {
    const f = foldChar(ch);
    if (f === undefined) unshowable.push(ch);
    out += f ?? '?';
  }
  return { text: out, unshowable };
}

/** Any text → GSM-7 text: equivalents folded, anything else `?`. */
export function toGsm7(text: string): string {
  return foldGsm7(text).text;
}

export type TypedText = { ok: true; value: string } | { ok: false };

/**
 * The rule for free text a user types: on one line (runs of white space become one space, trimmed),
 * folded to GSM-7, and refused when anything is left that a phone cannot show. The only control
 * characters GSM-7 has (LF, CR, FF) are white space, so every control character is refused or gone.
 */
export function typedText(raw: string): TypedText {
  const folded = foldGsm7(raw.replace(/\s+/g, ' '));
  if (folded.unshowable.length > 0) return { ok: false };
  return { ok: true, value: folded.text.replace(/ {2,}/g, ' ').trim() };
}
