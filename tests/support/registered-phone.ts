// A phone with an account made over USSD (Create account → Confirm) and the password its SMS brought.
import type { Db } from '../../src/db/knex';
import { insertCompleteProfile } from './complete-profile';
import { passwordIn, waitForSms } from './sms';
import { UssdPhone, randomPhone } from './ussd-phone';

export async function registeredPhone(baseUrl: string): Promise<{ phone: UssdPhone; password: string }> {
  const phone = new UssdPhone(baseUrl, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  const [sms] = await waitForSms(baseUrl, phone.phoneNumber);
  return { phone, password: passwordIn(sms?.text ?? '') };
}

/**
 * A registered phone with a complete profile (written directly: the profile journey has its own tests),
 * in `lang`: Kiswahili is chosen on the Language menu, as a user would.
 */
export async function applicantPhone(
  app: { url: string; db: Db },
  lang: 'en' | 'sw' = 'en',
): Promise<{ phone: UssdPhone; password: string; accountId: number }> {
  const { phone, password } = await registeredPhone(app.url);
  const account = (await app.db('accounts').where({ phone: phone.phoneNumber }).first('id')) as {
    id: number;
  };
  await insertCompleteProfile(app.db, account.id, phone.phoneNumber);
  if (lang === 'sw') {
    await phone.dialFresh();
    await phone.choose('Language/Lugha');
    await phone.choose('Kiswahili');
  }
  return { phone, password, accountId: account.id };
}
