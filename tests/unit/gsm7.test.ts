import { gsm7Length, isGsm7, toGsm7, typedText } from '../../src/domain/gsm7';
import { BASIC_TABLE, EXTENSION_TABLE } from '../support/gsm7-standard';

const basic = new Set(BASIC_TABLE);
const extension = new Set(EXTENSION_TABLE);
const inStandard = (text: string) => [...text].every((ch) => basic.has(ch) || extension.has(ch));

// Every BMP character that is not a surrogate half, and a few beyond it (emoji, CJK extension B).
const EVERY_CHAR = [
  ...Array.from({ length: 0x10000 }, (_, c) => c).filter((c) => c < 0xd800 || c > 0xdfff),
  0x1f600,
  0x1f3fb,
  0x20000,
  0x10ffff,
].map((c) => String.fromCodePoint(c));

test('the table is the standard: 127 basic characters and 10 extension characters', () => {
  expect(basic.size).toBe(127);
  expect(extension.size).toBe(10);
  for (const ch of EVERY_CHAR) {
    if (isGsm7(ch) !== (basic.has(ch) || extension.has(ch))) throw new Error(`isGsm7 wrong for U+${ch}`);
  }
  expect(gsm7Length('€[x]')).toBe(7);
});

test('toGsm7 turns any character into GSM-7 text', () => {
  for (const ch of EVERY_CHAR) {
    const out = toGsm7(ch);
    if (!inStandard(out)) throw new Error(`toGsm7(U+${ch.codePointAt(0)?.toString(16)}) = ${out}`);
  }
  expect(toGsm7('\ud800 lone')).toBe('? lone');
  expect(toGsm7('Hi 😀 中文')).toBe('Hi ? ??');
});

test.each([
  ['curly quotes', 'O’Brien ‘n’ “Ann”', "O'Brien 'n' \"Ann\""],
  ['backtick and acute accent', '`Kamau´', "'Kamau'"],
  ['dashes', 'Nairobi – Mombasa — 2024 − 1', 'Nairobi - Mombasa - 2024 - 1'],
  ['ellipsis and non-breaking space', 'Upper\u00a0Hill…', 'Upper Hill...'],
  [
    'accents GSM-7 lacks',
    'Université Côte d’Ivoire, São Tomé, Zoë',
    "Université Cote d'Ivoire, Sao Tomé, Zoe",
  ],
  ['accents GSM-7 has, kept', 'é è à ü ö ñ ù ì ò Ç É Ä Ö Ñ Ü Å å Ø ø Æ æ ß', null],
  ['a decomposed é', 'Rene\u0301e', 'Renée'],
  ['letters with a stroke, ligatures', 'Łukasz Ødegård, Œuvre, ﬁnance', 'Lukasz Ødegård, OEuvre, finance'],
  ['fullwidth', 'ａ０１２３４５６７８ｚ', 'a012345678z'],
  ['invisible characters', 'Head\u200b of\u202e Dept.\u00ad', 'Head of Dept.'],
  ['white space', ' Moi\t\tGirls \u2003 High ', 'Moi Girls High'],
  // Spaces left side by side once an invisible character between them is dropped: one space.
  ['an invisible character between spaces', 'Moi \u200b Girls', 'Moi Girls'],
])('typed text folds %s', (_what, raw, folded) => {
  const r = typedText(raw);
  expect(r).toEqual({ ok: true, value: folded ?? raw });
  if (r.ok) expect(inStandard(r.value)).toBe(true);
});

test.each([
  ['an emoji', 'Jane 😀 Kamau'],
  ['an emoji sequence', 'John 👨‍👩‍👧'],
  ['CJK', '中文'],
  ['Cyrillic', 'Иван Петров'],
  ['Arabic', 'بنك مصر'],
  ['Greek small letters', 'Καλό Σχολείο'],
  ['the replacement character', 'Education \ufffd'],
  ['a NUL', 'ab\u0000cd'],
  ['an escape', 'ab\u001b[2Jcd'],
  ['DEL', 'ab\u007fcd'],
  ['a lone surrogate', 'ab\ud83dcd'],
  ['a fraction', 'Grade ½'],
])('typed text refuses %s', (_what, raw) => {
  expect(typedText(raw)).toEqual({ ok: false });
});

test('typed text never keeps a control character or a character outside the standard', () => {
  for (const ch of EVERY_CHAR) {
    const r = typedText(`a${ch}b`);
    if (
      r.ok &&
      (!inStandard(r.value) || [...r.value].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f'))
    ) {
      throw new Error(`typedText kept U+${ch.codePointAt(0)?.toString(16)}: ${JSON.stringify(r.value)}`);
    }
  }
});

describe('gsm7Length against lengths known from the standard (written out here, not computed)', () => {
  // Each extension character is sent as the escape 0x1B and the character: two septets.
  test.each([...'€[]|^{}~\\'])('a line of 80 "%s" is 160 septets, one segment; 81 is 162', (ch) => {
    expect(gsm7Length(ch)).toBe(2);
    expect(gsm7Length(ch.repeat(80))).toBe(160);
    expect(gsm7Length(ch.repeat(81))).toBe(162);
  });

  test.each([
    ['', 0],
    ['a', 1],
    ['a'.repeat(160), 160],
    ['@£$¥èéùìòÇ', 10],
    ['\n', 1],
    ['\f', 2],
    ['Fee: 100€', 10],
    ['{station} ({available})', 27],
    ['[KCSE|2025]€', 16],
    ['C:\\exams\\2025', 15],
    ['~{x}~', 9],
  ])('%j is %i septets', (text, septets) => {
    expect(gsm7Length(text)).toBe(septets);
  });
});
