// What follows a keyword (a query's question) as the matcher hands it on: separators after the word go,
// and so does anything before it, however the phone typed it.
import { matchKeyword } from '../../src/domain/sms-keywords';
import { fitWholeEntries } from '../../src/domain/sms-fit';

test.each([
  ['QUERY When will I be paid?', 'When will I be paid?'],
  ['QUERY:When will I be paid?', 'When will I be paid?'],
  ['QUERY-When will I be paid?', 'When will I be paid?'],
  ['  QUERY  When will I be paid?  ', 'When will I be paid?'],
  ['...QUERY When will I be paid?', 'When will I be paid?'],
  ['Swali: Nitalipwa lini?', 'Nitalipwa lini?'],
])('%j: the question is %j', (text, question) => {
  expect(matchKeyword(text)).toMatchObject({ keyword: 'QUERY', arg: question });
});

test('a list takes every entry that fits exactly in its room, and drops one that would not', () => {
  const write = (shown: readonly string[], hidden: number) =>
    shown.join(', ') + (hidden ? ` +${hidden}` : '');
  expect(fitWholeEntries(['abcd', 'efgh'], 2, 10, write)).toBe('abcd, efgh'); // 10 of 10
  expect(fitWholeEntries(['abcd', 'efghi'], 2, 10, write)).toBe('abcd +1');
});

test('a slip in a five-letter keyword is forgiven (QEURY, SWAIL); a four-letter one must be exact', () => {
  expect(matchKeyword('QEURY When will I be paid?')).toMatchObject({ keyword: 'QUERY', lang: 'en' });
  expect(matchKeyword('SWAIL Nitalipwa lini?')).toMatchObject({ keyword: 'QUERY', lang: 'sw' });
  expect(matchKeyword('HALO')).toBeUndefined();
});

test.each([
  ['IN', { keyword: 'CHECKIN', lang: 'en', arg: '' }],
  ['IN 493 817', { keyword: 'CHECKIN', lang: 'en', arg: '493817' }],
  ['nje 493-817', { keyword: 'CHECKOUT', lang: 'sw', arg: '493817' }],
] as const)('%j: %j', (text, match) => {
  expect(matchKeyword(text)).toEqual(match);
});
