import { gsm7Length, isGsm7, toGsm7, typedText } from '../../src/domain/gsm7';

// GSM 03.38 written out here by code point, row by row as the standard prints it (0x1B, the escape to
// the extension table, is not a character), so that the module is checked against the standard and not
// against itself.
const ascii = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const BASIC_TABLE = [
  ...[0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
  ...[0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf, 0xc9],
  ...[0x20, 0x21, 0x22, 0x23, 0xa4, ...ascii(0x25, 0x3f)],
  ...[0xa1, ...ascii(0x41, 0x5a), 0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
  ...[0xbf, ...ascii(0x61, 0x7a), 0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
].map((c) => String.fromCodePoint(c));
const EXTENSION_TABLE = [0x0c, 0x5e, 0x7b, 0x7d, 0x5c, 0x5b, 0x7e, 0x5d, 0x7c, 0x20ac].map((c) =>
  String.fromCodePoint(c),
);
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
    if (r.ok && (!inStandard(r.value) || /[\u0000-\u001f\u007f]/.test(r.value))) {
      throw new Error(`typedText kept U+${ch.codePointAt(0)?.toString(16)}: ${JSON.stringify(r.value)}`);
    }
  }
});
