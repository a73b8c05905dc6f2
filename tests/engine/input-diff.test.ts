// AT sends the whole session's inputs joined by '*'. The engine keeps only a digest of what it consumed and
// takes what follows as the new entry; these are the cases a caller would notice if it got them wrong.
import { randomBytes } from 'node:crypto';
import { createInputDiffer, directDialParts } from '../../src/engine/input-diff';

const { consumedOf, diffInput } = createInputDiffer(randomBytes(32));

describe('diffInput', () => {
  test('the first entry after the opening dial is the whole text', () => {
    expect(diffInput(consumedOf(''), '1')).toEqual({ kind: 'new', input: '1' });
    // Free text on the very first entry keeps its '*' too.
    expect(diffInput(consumedOf(''), 'a*b')).toEqual({ kind: 'new', input: 'a*b' });
  });

  test('a new entry is what follows the consumed text and its separator', () => {
    expect(diffInput(consumedOf('1'), '1*2')).toEqual({ kind: 'new', input: '2' });
    expect(diffInput(consumedOf('1*2*3'), '1*2*3*44')).toEqual({ kind: 'new', input: '44' });
  });

  test('the same text again is a repeat (a duplicate hop), including the opening dial', () => {
    expect(diffInput(consumedOf('1*2'), '1*2')).toEqual({ kind: 'repeat' });
    expect(diffInput(consumedOf(''), '')).toEqual({ kind: 'repeat' });
  });

  test("a '*' typed inside free text reaches the menu intact", () => {
    expect(diffInput(consumedOf('a'), 'a*hello*world')).toEqual({ kind: 'new', input: 'hello*world' });
    expect(diffInput(consumedOf('1*John'), '1*John*P.O. Box 12*Kisumu')).toEqual({
      kind: 'new',
      input: 'P.O. Box 12*Kisumu',
    });
    // A consumed entry that itself held '*' is still a prefix, not re-split.
    expect(diffInput(consumedOf('2*a*b'), '2*a*b*3')).toEqual({ kind: 'new', input: '3' });
  });

  test("an empty entry ('1*') is new input that is empty, not a repeat", () => {
    expect(diffInput(consumedOf('1'), '1*')).toEqual({ kind: 'new', input: '' });
    expect(diffInput(consumedOf('1*'), '1**')).toEqual({ kind: 'new', input: '' });
  });

  test('text that does not extend what was consumed falls back to its last part', () => {
    // The operator rewrote history: same length, different content.
    expect(diffInput(consumedOf('1*2'), '1*3')).toEqual({ kind: 'mismatch', input: '3' });
    // Shorter than what was consumed.
    expect(diffInput(consumedOf('1*2*3'), '1*2')).toEqual({ kind: 'mismatch', input: '2' });
    // Longer, but the prefix differs.
    expect(diffInput(consumedOf('1*2'), '1*9*4')).toEqual({ kind: 'mismatch', input: '4' });
    // Longer with the right prefix but no '*' after it: not a continuation.
    expect(diffInput(consumedOf('1'), '12')).toEqual({ kind: 'mismatch', input: '12' });
    // The same after a '*': the consumed text must end where a '*' follows, not anywhere.
    expect(diffInput(consumedOf('1*2'), '1*23')).toEqual({ kind: 'mismatch', input: '23' });
    // No '*' at all: the whole text.
    expect(diffInput(consumedOf('1'), '7')).toEqual({ kind: 'mismatch', input: '7' });
    // Empty text after something was consumed.
    expect(diffInput(consumedOf('1'), '')).toEqual({ kind: 'mismatch', input: '' });
  });

  test('what is kept of consumed text holds no part of it (it may hold a password)', () => {
    const c = consumedOf('2*93571846');
    // A keyed digest only: not the text, and not its length either.
    expect(c).toMatch(/^[\w-]{22}$/);
    expect(consumedOf('2*935718')).toMatch(/^[\w-]{22}$/);
    expect(JSON.stringify(c)).not.toContain('93571846');
    expect(JSON.stringify(c)).not.toContain('2*');
  });
});

describe('directDialParts', () => {
  test('digits joined by * are the entries of a direct dial', () => {
    expect(directDialParts('6', 6)).toEqual(['6']);
    expect(directDialParts('6*2', 6)).toEqual(['6', '2']);
    expect(directDialParts('1*22*333', 6)).toEqual(['1', '22', '333']);
    expect(directDialParts('12*3', 6)).toEqual(['12', '3']);
  });

  test('at most maxParts entries are accepted', () => {
    expect(directDialParts('1*2*3*4*5*6', 6)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(directDialParts('1*2*3*4*5*6*7', 6)).toBeUndefined();
    expect(directDialParts('1*2', 1)).toBeUndefined();
  });

  test('anything but digits joined by single * is not a direct dial', () => {
    for (const text of ['', '*', '1*', '*1', '1**2', 'a', '1*a', '1 2', '1#', '-1', '1.5', '١']) {
      expect({ text, parts: directDialParts(text, 6) }).toEqual({ text, parts: undefined });
    }
  });
});
