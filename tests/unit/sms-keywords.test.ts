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
