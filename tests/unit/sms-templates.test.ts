import { en } from '../../menus/copy/en';
import { applicationsSuffix } from '../../src/channels/sms/inbound-sms';
import { renderSms } from '../../src/channels/sms/render-sms';
import { gsm7Length, isGsm7 } from '../../src/domain/gsm7';

// The longest values each parameter can take.
const longest = {
  username: '254799999999',
  password: '999999999999',
  code: '*384*22262#',
  sms: '22262',
  time: '29/11/2026 23:59',
  date: '29/11/2026',
  profile: 'missing Personal, Payment, Qualification, Workstation, Next of kin',
  // Position and duty station names are at most 60 characters (migration 006).
  position: 'P'.repeat(60),
  station: 'S'.repeat(60),
  // The applications suffix is cut to what fits (applicationsSuffix, tested below).
  applications: '',
};

const templates = Object.keys(en).filter((k) => k.startsWith('sms.') && !k.startsWith('sms.profile'));

test.each(templates.flatMap((t) => [[t, 'en'] as const, [t, 'sw'] as const]))(
  '%s (%s) fits one GSM-7 SMS segment with the longest values',
  (template, lang) => {
    const text = renderSms(template, lang, longest);
    expect(text).not.toMatch(/\{\w+\}/);
    expect(isGsm7(text)).toBe(true);
    expect(gsm7Length(text)).toBeLessThanOrEqual(160);
  },
);

test('the applications list after STATUS is cut so that the whole SMS stays one segment', () => {
  const base = renderSms('sms.status', 'en', longest);
  const list = 'KCSE Invigilator submitted; KPSEA Supervisor withdrawn; KJSEA Centre manager approved';
  const text = renderSms('sms.status', 'en', {
    ...longest,
    applications: applicationsSuffix('en', base, list),
  });
  expect(text.length).toBeLessThanOrEqual(160);
  expect(text).toContain(' Applications: KCSE Invigilator');
  expect(text.endsWith('...')).toBe(true);
  expect(applicationsSuffix('en', 'short status.', list)).toBe(` Applications: ${list}`);
  expect(applicationsSuffix('en', base, '')).toBe('');
});
