// The one definition of what is never kept as typed: webhooks, queries, CSV names and operators' text
// all call it, so each must see C0, DEL, C1 and a lone surrogate as control, and nothing printable.
import { isControl } from '../../src/domain/control-characters';
import { nameProblem } from '../../src/domain/row-schemas';
import { cleanQueryText } from '../../src/domain/queries';

test.each([
  ['NUL', '\u0000', true],
  ['escape', '\u001b', true],
  ['line break', '\n', true],
  ['DEL', '\u007f', true],
  ['C1 next line', '\u0085', true],
  ['C1 control sequence introducer', '\u009b', true],
  ['a lone high surrogate', '\ud800', true],
  ['a letter', 'a', false],
  ['an accented letter', 'é', false],
  ['the euro sign', '€', false],
  ['an emoji (one code point)', '😀', false],
  ['a space', ' ', false],
])('%s: control=%s', (_name, ch, control) => {
  expect(isControl(ch)).toBe(control);
});

test('a C1 control in a query becomes a space; in an imported name it is refused as a control', () => {
  expect(cleanQueryText('When\u0085will I be paid?')).toBe('When will I be paid?');
  expect(nameProblem('Moi\u009bGirls')).toBe('name must be on one line, without control characters');
});
