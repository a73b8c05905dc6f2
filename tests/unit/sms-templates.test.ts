import { en } from '../../src/domain/copy/en';
import { renderSms } from '../../src/channels/sms/render-sms';
import { applicationsSuffix, smsListSuffix } from '../../src/domain/sms-status';
import { gsm7Length, isGsm7 } from '../../src/domain/gsm7';
import { TWO_SEGMENT_TEMPLATES } from '../../src/domain/sms-fit';
import { matchKeyword, type Keyword } from '../../src/domain/sms-keywords';

// The longest values each parameter can take.
const longest = {
  username: '254799999999',
  password: '999999999999',
  code: '*384*22262#',
  sms: '22262',
  time: '29/11/2026 23:59',
  resetTime: '29/11/2026 23:59',
  date: '29/11/2026',
  profile: 'missing Personal, Payment, Qualification, Workstation, Next of kin',
  // Exam codes are at most 24 characters, position and duty station names 60 (migration 006); the
  // renderer shortens them to fit (the test below shows how).
  exam: 'E'.repeat(24),
  position: 'P'.repeat(60),
  station: 'S'.repeat(60),
  count: 999,
  // The applications suffix is cut to what fits (applicationsSuffix, tested below).
  applications: '',
  // MY DATA at its longest: every identity field, every section, every status.
  identity: 'ID *****678, KRA PIN ********45Z, M-Pesa *********999, Bank account *****************890',
  sections: 'Personal, Payment, Qualification, Workstation, Next of kin',
  // Duties, claims and queries (docs/duties.md): at most 3 wrong codes, a month's days at the highest
  // rate the import takes (100,000), a 60-character rejection reason (the admin API's limit), the
  // PAY reply's claims cut to what fits (paymentsSuffix), and the longest answer the domain lets through
  // (it refuses one whose SMS would pass two segments).
  left: 3,
  days: 999,
  rate: '100,000',
  amount: '99,900,000',
  mpesa: '0799 999 999',
  ref: 'QGH7K2L9PZ',
  reason: 'R'.repeat(60),
  claims: '',
  reference: 'Q999999999',
  answer: 'A'.repeat(255),
};

const templates = Object.keys(en).filter((k) => k.startsWith('sms.') && !k.startsWith('sms.profile'));

test.each(templates.flatMap((t) => [[t, 'en'] as const, [t, 'sw'] as const]))(
  '%s (%s) fits one GSM-7 SMS segment with the longest values (two: the privacy notice, MY DATA)',
  (template, lang) => {
    const text = renderSms(template, lang, longest);
    expect(text).not.toMatch(/\{\w+\}/);
    expect(isGsm7(text)).toBe(true);
    expect(gsm7Length(text)).toBeLessThanOrEqual(TWO_SEGMENT_TEMPLATES.includes(template) ? 306 : 160);
  },
);

test('a long station name is shortened, not spilled: the confirmation keeps its sentence whole', () => {
  const sentence =
    'CP2: Thank you for submitting your application. The application shall be reviewed, and you shall be notified shortly!';
  const params = { exam: 'KCSE', position: 'Invigilator' };
  const fits = renderSms('sms.applicationSubmitted', 'en', { ...params, station: 'Alpha School' });
  expect(fits).toBe(`${sentence} KCSE Invigilator at Alpha School`);
  const long = renderSms('sms.applicationSubmitted', 'en', {
    ...params,
    station: 'Embakasi Central Mixed Secondary School',
  });
  expect(long).toBe(`${sentence} KCSE Invigilator at Embakasi Central Mxd.`);
  expect(long.length).toBeLessThanOrEqual(160);
});

test('STATUS lists whole applications only, then how many more and where to see them', () => {
  const base = renderSms('sms.status', 'en', { ...longest, profile: 'complete' });
  const recent = {
    applications: [
      { exam: 'KCSE', position: 'Invigilator', status: 'submitted' as const },
      { exam: 'KPSEA', position: 'Supervisor', status: 'withdrawn' as const },
      { exam: 'KJSEA', position: 'Centre manager', status: 'approved' as const },
      { exam: 'KCSE', position: 'Security officer', status: 'rejected' as const },
    ],
    total: 6,
  };
  const suffix = applicationsSuffix('en', base, recent, '*384*22262#');
  expect(suffix).toBe(' Applications: KCSE Invigilator submitted. +5 more: dial *384*22262#');
  expect(gsm7Length(base + suffix)).toBeLessThanOrEqual(160);
  // A shorter summary leaves room for more whole entries.
  expect(applicationsSuffix('en', base.slice(40), recent, '*384*22262#')).toBe(
    ' Applications: KCSE Invigilator submitted; KPSEA Supervisor withdrawn; KJSEA Centre manager approved. +3 more: dial *384*22262#',
  );
  expect(applicationsSuffix('sw', base.slice(40), recent, '*384*22262#')).toBe(
    ' Maombi: KCSE Invigilator limewasilishwa; KPSEA Supervisor limeondolewa. +4 zaidi: piga *384*22262#',
  );
  // Nothing whole fits after a long summary: the count alone.
  expect(applicationsSuffix('en', 'x'.repeat(100), recent, '*384*22262#')).toBe(
    ' Applications: 6. Dial *384*22262# to see them.',
  );
  expect(applicationsSuffix('en', base, { applications: [], total: 0 }, '*384*22262#')).toBe('');
});

test('PAY writes its claims with the same list as STATUS: whole entries, then how many more', () => {
  const base = renderSms('sms.payments', 'en', { claims: '' });
  const entries = ['KCSE Invigilator KES 3,000 approved', 'KPSEA Supervisor KES 1,800 paid'];
  expect(smsListSuffix('en', base, { entries, total: 2 }, '*384*22262#')).toBe(
    ' KCSE Invigilator KES 3,000 approved; KPSEA Supervisor KES 1,800 paid.',
  );
  expect(smsListSuffix('en', 'x'.repeat(80), { entries, total: 7 }, '*384*22262#')).toBe(
    ' KCSE Invigilator KES 3,000 approved. +6 more: dial *384*22262#',
  );
});

test('HELP names every keyword the service answers, in the language it was asked in', () => {
  const keywords: Keyword[] = [
    'PASSWORD',
    'STATUS',
    'PRIVACY',
    'MYDATA',
    'CHECKIN',
    'CHECKOUT',
    'PAY',
    'QUERY',
  ];
  for (const lang of ['en', 'sw'] as const) {
    const help = renderSms('sms.help', lang, { code: '*384*22262#', sms: '22262' });
    // The words in capitals, alone and in pairs ("MY DATA"), as a teacher would copy them from the SMS.
    const words = help.match(/\b[A-Z]{2,}\b/g) ?? [];
    const phrases = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
    const taught = new Set(
      phrases.map((p) => matchKeyword(p)).flatMap((m) => (m && m.lang === lang ? [m.keyword] : [])),
    );
    expect({ lang, missing: keywords.filter((k) => !taught.has(k)) }).toEqual({ lang, missing: [] });
  }
});
