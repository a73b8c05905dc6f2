// An SMS fits its segment (src/domain/sms-fit.ts): names shortened as a reader expects, lists of whole
// entries that fill their room exactly.
import { fitWholeEntries, shortenName } from '../../src/domain/sms-fit';

test('a list takes every entry that fits exactly in its room, and drops one that would not', () => {
  const write = (shown: readonly string[], hidden: number) =>
    shown.join(', ') + (hidden ? ` +${hidden}` : '');
  expect(fitWholeEntries(['abcd', 'efgh'], 2, 10, write)).toBe('abcd, efgh'); // 10 of 10
  expect(fitWholeEntries(['abcd', 'efghi'], 2, 10, write)).toBe('abcd +1');
});

test('a name is shortened with the usual short forms in its own case, then cut with a full stop', () => {
  expect(shortenName('MOI GIRLS SECONDARY SCHOOL', 20)).toBe('MOI GIRLS SEC SCH');
  expect(shortenName('Moi Girls Secondary School', 20)).toBe('Moi Girls Sec Sch');
  expect(shortenName('Embakasi Central Mixed Secondary', 20)).toBe('Embakasi Central Mx.');
  expect(shortenName('Moi Girls', 1)).toBe('M');
  expect(shortenName('Moi Girls', 0)).toBe('');
});

test('a list with no room for even its count is empty', () => {
  expect(fitWholeEntries(['abcd'], 1, 2, (shown, hidden) => `${shown.join(', ')} +${hidden}`)).toBe('');
});
