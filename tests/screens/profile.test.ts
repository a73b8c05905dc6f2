// "My profile" screen by screen on the fast phone: the overview, each section's walk with its refusals,
// the paged lists of places, the review and one-field edit, resume, and the refusal to apply until the
// profile is complete. What is written to Postgres (columns, the unique national ID, STATUS by SMS) stays
// in tests/journeys/profile.test.ts.
import { COMPLETE_PROFILE } from '../support/fake-services';
import { testPhone, type TestPhone } from '../support/test-phone';

const PASSWORD = '482913';

/** A registered phone, logged in, on the "My profile" screen. */
function onProfile(): TestPhone {
  const phone = testPhone();
  phone.world.addAccount(phone.number, PASSWORD);
  return phone.dial().press('My profile').type(PASSWORD).expectSee('My profile:');
}

const accountOf = (phone: TestPhone) => phone.world.account(phone.number)?.id as number;

test('the overview shows each section as missing, in one screen', async () => {
  await onProfile().expectScreen(
    'My profile:\n1. Personal: missing\n2. Payment: missing\n3. Qualification: missing\n4. Workstation: missing\n5. Next of kin: missing\n6. Delete account\n0 Back 00 Home',
  );
});

test('personal details: each refused entry says why and asks again; the check shows every value, then saved and done', async () => {
  const year = new Date().getFullYear();
  const phone = onProfile();
  await phone
    .press('Personal: missing')
    .expectSee('Enter your full name as on your national ID')
    .type('Jane')
    .expectFirstLine('Enter at least two names.')
    .type('Jane K4maú')
    .expectFirstLine("Use letters, spaces, ' and - only.")
    .type('Jane Wanjiku Kamau')
    .expectSee('Enter your national ID number')
    .type('12345')
    .expectFirstLine('An ID number has 7 or 8 digits.')
    .type('23456789', String(year + 1))
    .expectSee('not in the future')
    .type(String(year - 10))
    .expectFirstLine('Your age must be 18 to 75 years.')
    .type('1985')
    .expectSee('1. Male\n2. Female')
    .press('Female')
    .type('B012345678Z')
    .expectFirstLine('A KRA PIN is A, 9 digits and a letter.')
    .type('a012345678z')
    .expectSee('or 1 to skip')
    .type('1')
    .expectSee('Check your Personal details:')
    .expectSee('Name: Jane Wanjiku Kamau')
    .walkPages();
  const all = phone.pages.join('\n');
  expect(all).toContain('ID: 23456789');
  expect(all).toContain('KRA PIN: A012345678Z');
  expect(all).toContain('Gender: Female');
  expect(all).toContain('Email: -');
  await phone.press('Confirm and save').expectFirstLine('Saved.').expectSee('1. Personal: done');
  expect(phone.world.profiles.get(accountOf(phone))).toEqual({
    fullName: 'Jane Wanjiku Kamau',
    nationalId: '23456789',
    birthYear: '1985',
    gender: 'female',
    kraPin: 'A012345678Z',
  });
});

test('a national ID registered to another account is refused at save, and the user corrects only that', async () => {
  const phone = onProfile();
  phone.world.profiles.set(phone.world.addAccount('+254722333444').id, { nationalId: '23456789' });
  await phone
    .press('Personal: missing')
    .type('Jane Wanjiku Kamau', '23456789', '1985', '2', 'a012345678z', '1')
    .press('Confirm and save')
    .expectFirstLine('This ID number is already registered to another account.')
    .expectSee('Enter your national ID number')
    .type('34567890')
    .expectSee('Check your Personal details:')
    .press('Confirm and save')
    .expectSee('1. Personal: done');
});

test('payment: the account phone by default, bank details skipped', async () => {
  await onProfile()
    .press('Payment: missing')
    .expectSee('Enter 1 to use 0711 000 001')
    .type('1', 'Jane Wanjiku Kamau', '1')
    .expectSee('Check your Payment details:')
    .expectSee('M-Pesa: 0711 000 001')
    .press('Confirm and save')
    .expectSee('2. Payment: done');
});

test('workstation: TSC number only for TSC, county and sub-county chosen from paged lists', async () => {
  const phone = onProfile();
  await phone
    .press('Workstation: missing')
    .press('TSC')
    .expectSee('Enter your TSC number')
    .type('123456', 'Moi Girls High School', 'Teacher', '2010')
    .expectSee('Choose the county of your workstation')
    .expectSee('1. Mombasa')
    .expectNotSee('47. Nairobi');
  // Nairobi (047) is on a later page; its number works from the page that shows it.
  let pages = 1;
  while (!phone.screen.text.includes('47. Nairobi')) {
    await phone.more();
    pages += 1;
  }
  expect(pages).toBeGreaterThan(2);
  await phone
    .type('47')
    .expectSee('Choose the sub-county')
    .expectSee('1. Dagoretti North')
    .press('Dagoretti North')
    .expectSee('Check your Current workstation:')
    .walkPages();
  expect(phone.pages.join('\n')).toContain('Sub-county: Dagoretti North');
  expect(phone.pages.join('\n')).toContain('TSC No: 123456');
  await phone.press('Confirm and save').expectSee('4. Workstation: done');
});

test('workstation for a private employer: no TSC number asked', async () => {
  await onProfile()
    .press('Workstation: missing')
    .press('Private')
    .expectSee('Enter the school or institution you work at');
});

test('a dropped session resumes on the field it was on, with what was typed before', async () => {
  await onProfile()
    .press('Qualification: missing')
    .press('Degree')
    .type('Bachelor of Education')
    .expectSee('Enter the institution you studied at')
    // The call drops; the user dials again.
    .dial()
    .expectFirstLine('You did not finish filling Highest qualification last time.')
    .press('Continue where you left off')
    .expectSee('Enter your CP2 password')
    .type(PASSWORD)
    .expectSee('Enter the institution you studied at')
    .type('Kenyatta University', '2008')
    .expectSee('Course: Bachelor of Education')
    .press('Confirm and save')
    .expectSee('3. Qualification: done');
});

test('a saved section can be reviewed and one field edited without re-entering the rest', async () => {
  const phone = onProfile();
  await phone
    .press('Next of kin: missing')
    .type('John Kamau Mwangi', '0722000111')
    .press('Spouse')
    .press('Confirm and save')
    .press('Next of kin: done')
    .expectSee('Next of kin')
    .expectSee('Name: John Kamau Mwangi')
    .expectSee('Phone: 0722 000 111')
    .press('Edit a field')
    .press('Phone')
    .type('0733000222')
    .expectFirstLine('Saved.')
    .expectSee('Phone: 0733 000 222')
    .expectSee('Name: John Kamau Mwangi');
  expect(phone.world.profiles.get(accountOf(phone))).toMatchObject({
    kinName: 'John Kamau Mwangi',
    kinPhone: '+254733000222',
    kinRelationship: 'spouse',
  });
});

test('the last missing section saved says the profile is complete, with the way to apply', async () => {
  const phone = testPhone();
  const { nextOfKin: _kin, ...rest } = {
    nextOfKin: true,
    ...COMPLETE_PROFILE,
    kinName: undefined,
    kinPhone: undefined,
    kinRelationship: undefined,
  };
  phone.world.addAccount(phone.number, PASSWORD, rest);
  phone.world.addVacancy();
  await phone
    .dial()
    .press('My profile')
    .type(PASSWORD)
    .press('Next of kin: missing')
    .type('John Kamau Mwangi', '0722000111')
    .press('Spouse')
    .press('Confirm and save')
    .expectScreen('Your profile is complete.\n1. Apply for a job\n0 Back 00 Home')
    .press('Apply for a job')
    // Logged in already: straight to the lists (one exam, one of each: taken for the user).
    .expectSee('Vacancies (positions available):');
});

test('applying is refused until the profile is complete, naming the missing sections, with a way to fill them', async () => {
  const phone = testPhone();
  phone.world.addAccount(phone.number, PASSWORD, {
    fullName: 'Jane Wanjiku Kamau',
    nationalId: '23456789',
    birthYear: '1985',
    gender: 'female',
    kraPin: 'A012345678Z',
  });
  await phone
    .dial()
    .press('Apply for a job')
    .type(PASSWORD)
    .expectScreen(
      'Complete your profile before you apply. Missing:\nPayment\nQualification\nWorkstation\nNext of kin\n1. My profile\n0 Back 00 Home',
    )
    .press('My profile')
    .expectSee('1. Personal: done');
});

test("a section's check longer than a page: '1' on the first page is refused and nothing is saved; Confirm and save on its page saves", async () => {
  const phone = onProfile();
  await phone
    .press('Personal: missing')
    // A long name and an email: the check of what was entered fills more than one page.
    .type(
      'Jane Wanjiku Kamau Njeri Wambui Achieng',
      '23456789',
      '1985',
      '2',
      'a012345678z',
      'jane.wanjiku.kamau@example.org',
    )
    .expectSee('Check your Personal details:')
    .expectSee('98 More')
    .expectNotSee('Confirm and save')
    .type('1')
    .expectFirstLine('Invalid choice. Enter a number below.')
    .expectSee('Check your Personal details:');
  expect(phone.world.calls).not.toContain('profiles.save');
  await phone.press('Confirm and save').expectSee('1. Personal: done');
  expect(phone.world.calls.filter((c) => c === 'profiles.save')).toHaveLength(1);
});
