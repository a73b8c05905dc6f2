import {
  generatePassword,
  hashPassword,
  isAcceptablePassword,
  isTrivialPassword,
  verifyPassword,
} from '../../src/domain/passwords';

test('generated passwords are 6 random digits and never trivial', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const pw = generatePassword();
    expect(pw).toMatch(/^\d{6}$/);
    expect(isTrivialPassword(pw)).toBe(false);
    seen.add(pw);
  }
  expect(seen.size).toBeGreaterThan(490);
});

test.each([
  '000000',
  '111111',
  '123456',
  '234567',
  '654321',
  '987654',
  '890123',
  '121212',
  '123123',
  '1234567890',
])('%s is refused as too easy', (pw) => expect(isAcceptablePassword(pw)).toBe(false));

test.each(['583920', '640317', '19283746'])('%s is accepted', (pw) =>
  expect(isAcceptablePassword(pw)).toBe(true),
);

test.each(['12345', '1234567890123', '58392a'])('%s is refused for its length or characters', (pw) =>
  expect(isAcceptablePassword(pw)).toBe(false),
);

test('a hash verifies its password only, and two hashes of one password differ (per-account salt)', async () => {
  const a = await hashPassword('583920');
  const b = await hashPassword('583920');
  expect(a).not.toBe(b);
  expect(a).not.toContain('583920');
  expect(a.startsWith('scrypt$16384$8$1$')).toBe(true);
  expect(await verifyPassword('583920', a)).toBe(true);
  expect(await verifyPassword('583921', a)).toBe(false);
  expect(await verifyPassword('583920', 'garbage')).toBe(false);
});
