// The Kiswahili copy is a translation of every English string: a string left in English would show a
// Kiswahili user English on that screen or SMS, and the type of sw.ts only checks that the key exists.
import { en, type CopyKey } from '../../src/domain/copy/en';
import { sw } from '../../src/domain/copy/sw';
import { translate } from '../../src/domain/copy';
import { CODE_DIGITS, COPY_LIMITS, MAX_FAILED_LOGINS } from '../../src/domain/limits';

/**
 * The only keys whose text is the same in both languages, each for a reason: language names (each shown
 * in its own language), codes and abbreviations, and templates made of placeholders and punctuation only.
 */
const SAME_IN_BOTH: Partial<Record<CopyKey, string>> = {
  'language.english': 'a language is named in its own language',
  'language.kiswahili': 'a language is named in its own language',
  'profile.label.mpesaPhone': 'a brand name',
  'profile.choice.tsc': 'an abbreviation (Teachers Service Commission)',
  'profile.none': 'a dash',
  'profile.sectionStatus': 'placeholders only',
  'profile.line': 'placeholders only',
  'apply.vacancy': 'placeholders only',
  'applications.item': 'placeholders only',
};

const keys = Object.keys(en) as CopyKey[];

test('both files have the same keys', () => {
  expect(Object.keys(sw).sort()).toEqual([...keys].sort());
});

test('every string is translated: the Kiswahili differs from the English except on the short allow-list', () => {
  const untranslated = keys.filter((k) => sw[k] === en[k] && !(k in SAME_IN_BOTH));
  expect(untranslated).toEqual([]);
});

test('no Kiswahili string reads as English, even when it differs from the English one', () => {
  // Common English words that are not Kiswahili words. Only the language menu's title is bilingual.
  const english =
    /\b(the|your|you|and|to|for|of|is|has|have|been|please|enter|choose|not|with|was|will|at|an|in|on|or|new|The|Your|You|Please|Enter|Choose|Thank|Sorry|Try)\b/;
  const bilingual: CopyKey[] = ['language.title'];
  const reads = keys.filter((k) => !bilingual.includes(k) && english.test(sw[k].replace(/\{\w+\}/g, '')));
  expect(reads).toEqual([]);
  expect(sw['language.title']).toMatch(/^Chagua lugha\//);
});

test('the allow-list holds only strings that really are the same (no stale entries)', () => {
  const stale = (Object.keys(SAME_IN_BOTH) as CopyKey[]).filter((k) => sw[k] !== en[k]);
  expect(stale).toEqual([]);
});

test('the strings on the allow-list carry no English words', () => {
  for (const k of Object.keys(SAME_IN_BOTH) as CopyKey[]) {
    const words = en[k].replace(/\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? [];
    expect(words.every((w) => ['English', 'Kiswahili', 'Pesa', 'TSC'].includes(w))).toBe(true);
  }
});

test('navigation keeps its digits and the main menu its bilingual language entry', () => {
  for (const k of ['nav.back', 'nav.home', 'nav.backHome', 'nav.more'] as const) {
    expect(
      sw[k]
        .replace(/[^\d ]/g, '')
        .trim()
        .split(/ +/),
    ).toEqual(
      en[k]
        .replace(/[^\d ]/g, '')
        .trim()
        .split(/ +/),
    );
    expect(sw[k]).not.toBe(en[k]);
  }
  expect(sw['main.language']).toBe('Lugha/Language');
  expect(en['main.language']).toBe('Language/Lugha');
});

test('a Kiswahili string keeps the placeholders of its English one', () => {
  const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
  const differ = keys.filter(
    (k) => JSON.stringify(placeholders(sw[k])) !== JSON.stringify(placeholders(en[k])),
  );
  expect(differ).toEqual([]);
});

test('the limits the rules enforce are said through their placeholders, in both languages', () => {
  // A number typed into the copy ("locked after 5 wrong passwords") would stay when the limit changes.
  const uses = (strings: Record<string, string>, name: string) =>
    Object.keys(strings).filter((k) => strings[k]?.includes(`{${name}}`));
  for (const name of Object.keys(COPY_LIMITS)) {
    expect({ name, en: uses(en, name).length > 0 }).toEqual({ name, en: true });
    expect(uses(sw, name)).toEqual(uses(en, name));
  }
  expect(translate('en', { key: 'login.locked', params: { time: '14:05' } })).toContain(
    `locked after ${MAX_FAILED_LOGINS} wrong passwords`,
  );
  expect(translate('sw', 'duties.code')).toContain(`tarakimu ${CODE_DIGITS}`);
});
