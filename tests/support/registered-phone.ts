// A phone with an account made over USSD (Create account → Confirm) and the password its SMS brought.
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
