import {
  applicableFields,
  checkEntry,
  isSectionComplete,
  missingSections,
} from '../../src/domain/profile-fields';

const ctx = { accountPhone: '+254711000001', now: new Date('2026-11-29T10:00:00Z') };

test.each([
  ['fullName', 'Jane  Wanjiku ', true, 'Jane Wanjiku'],
  ['fullName', "Mary-Anne O'Brien", true, "Mary-Anne O'Brien"],
  ['fullName', 'Jane', false, 'profile.error.twoNames'],
  ['fullName', 'Jane 2Kamau', false, 'profile.error.nameLetters'],
  // The accented letters GSM-7 has are letters of a name (the others are folded before the check).
  ['fullName', 'Renée Müller-Ñandú', false, 'profile.error.nameLetters'],
  ['fullName', 'Renée Müller-Ñandu', true, 'Renée Müller-Ñandu'],
  ['mpesaName', 'Åsa Ødegård Çelik', true, 'Åsa Ødegård Çelik'],
  ['kinName', 'Jane Ω', false, 'profile.error.nameLetters'],
  ['nationalId', '1234567', true, '1234567'],
  ['nationalId', '123456789', false, 'profile.error.nationalId'],
  ['birthYear', '2008', true, '2008'],
  ['birthYear', '2009', false, 'profile.error.age'],
  ['birthYear', '1951', true, '1951'],
  ['birthYear', '1950', false, 'profile.error.age'],
  ['birthYear', '2027', false, 'profile.error.yearFuture'],
  ['kraPin', 'a012345678z', true, 'A012345678Z'],
  ['kraPin', 'A01234567Z', false, 'profile.error.kraPin'],
  ['kraPin', 'P012345678Z', false, 'profile.error.kraPin'],
  ['email', '1', true, ''],
  ['email', 'Jane@Example.org', true, 'jane@example.org'],
  ['email', 'jane@', false, 'profile.error.email'],
  ['mpesaPhone', '1', true, '+254711000001'],
  ['mpesaPhone', '0722000111', true, '+254722000111'],
  ['mpesaPhone', '0201234567', false, 'profile.error.phone'],
  ['kinPhone', '254110000001', true, '+254110000001'],
  ['gender', 'female', true, 'female'],
  ['gender', 'other', false, 'profile.error.choice'],
  ['qualificationYear', '2027', false, 'profile.error.yearFuture'],
  ['workStartYear', '1949', false, 'profile.error.yearOld'],
] as const)('%s %j: ok=%s → %s', (id, raw, ok, out) => {
  const r = checkEntry(id, raw, ctx);
  expect(r.ok).toBe(ok);
  expect(r.ok ? r.value : r.reason).toBe(out);
});

test('the TSC number is asked and required only when the employer is TSC; bank details only with a bank', () => {
  expect(applicableFields('workstation', { employer: 'tsc' })).toContain('tscNumber');
  expect(applicableFields('workstation', { employer: 'private' })).not.toContain('tscNumber');
  expect(applicableFields('payment', {})).toEqual(['mpesaPhone', 'mpesaName', 'bankName']);
  const work = {
    employer: 'tsc',
    workInstitution: 'Moi Girls',
    designation: 'Teacher',
    workStartYear: '2010',
    county: '047',
    subCounty: '3',
  };
  expect(isSectionComplete('workstation', work)).toBe(false);
  expect(isSectionComplete('workstation', { ...work, tscNumber: '123456' })).toBe(true);
  expect(isSectionComplete('workstation', { ...work, employer: 'private' })).toBe(true);
  expect(isSectionComplete('payment', { mpesaPhone: '+254711000001', mpesaName: 'Jane Kamau' })).toBe(true);
  expect(missingSections({})).toEqual(['personal', 'payment', 'qualification', 'workstation', 'nextOfKin']);
});

test('a year is checked against the year in Nairobi, on both sides of its New Year', () => {
  // 23:30 on 31/12/2026 in Nairobi: 2027 is still in the future.
  const before = { ...ctx, now: new Date('2026-12-31T20:30:00Z') };
  expect(checkEntry('qualificationYear', '2027', before)).toEqual({
    ok: false,
    reason: 'profile.error.yearFuture',
  });
  // 01:30 on 01/01/2027 in Nairobi (still 2026 in UTC, the server's own zone here): 2027 is this year.
  const after = { ...ctx, now: new Date('2026-12-31T22:30:00Z') };
  expect(checkEntry('qualificationYear', '2027', after)).toMatchObject({ ok: true, value: '2027' });
});
