// GSM 03.38 written out by code point, row by row as the standard prints it (0x1B, the escape to the
// extension table, is not a character), so that tests check screens and SMS against the standard and not
// against src/domain/gsm7.ts.
const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const BASIC_TABLE = [
  ...[0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
  ...[0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf, 0xc9],
  ...[0x20, 0x21, 0x22, 0x23, 0xa4, ...run(0x25, 0x3f)],
  ...[0xa1, ...run(0x41, 0x5a), 0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
  ...[0xbf, ...run(0x61, 0x7a), 0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
].map((c) => String.fromCodePoint(c));

/** Each costs two septets: the escape, then the character. */
export const EXTENSION_TABLE = [0x0c, 0x5e, 0x7b, 0x7d, 0x5c, 0x5b, 0x7e, 0x5d, 0x7c, 0x20ac].map((c) =>
  String.fromCodePoint(c),
);

const basic = new Set(BASIC_TABLE);
const extension = new Set(EXTENSION_TABLE);

/** Characters of `text` outside GSM 03.38 (empty when all of it can be sent as GSM-7). */
export function outsideGsm7(text: string): string[] {
  return [...text].filter((ch) => !basic.has(ch) && !extension.has(ch));
}

export function septets(text: string): number {
  return [...text].reduce((n, ch) => n + (extension.has(ch) ? 2 : 1), 0);
}
