// A teacher's own copy of what is held about them (SMS MY DATA / DATA YANGU): the identity fields masked
// but their last 3 characters, the profile sections filled, the applications by status. At most two SMS
// segments (docs/privacy.md); the full record is what an operator can export on request.
import type { Db } from '../../db/knex';
import { translate } from '../copy';
import type { Lang } from '../language';
import { SECTIONS } from '../profile-fields';
import { createProfiles, missingSectionsOf } from '../profiles';
import { usernameOf } from '../phone';
import type { FieldCipher } from './field-cipher';

/** What may be sent of a held value: its last 3 characters, the rest starred (`*****678`). */
export function maskValue(value: string): string {
  return value.length <= 3 ? '*'.repeat(value.length) : `${'*'.repeat(value.length - 3)}${value.slice(-3)}`;
}

/** The SMS params of MY DATA for the account on `phone`; undefined when the phone has no account. */
export async function ownCopyParams(
  db: Db,
  cipher: FieldCipher,
  phone: string,
  lang: Lang,
): Promise<Record<string, string> | undefined> {
  const account = (await db('accounts').where({ phone }).whereNull('erased_at').first('id')) as
    { id: number } | undefined;
  if (!account) return undefined;
  const { values } = await createProfiles(db, cipher).load(account.id);
  const held: [string, string | undefined][] = [
    ['sms.myData.id', values.nationalId],
    ['sms.myData.kraPin', values.kraPin],
    ['sms.myData.mpesa', values.mpesaPhone ? usernameOf(values.mpesaPhone) : undefined],
    ['sms.myData.bank', values.bankAccount],
  ];
  const identity = held
    .filter((h): h is [string, string] => Boolean(h[1]))
    .map(([key, v]) => `${translate(lang, key)} ${maskValue(v)}`)
    .join(', ');
  const missing = new Set(await missingSectionsOf(db, account.id));
  const filled = SECTIONS.filter((s) => !missing.has(s)).map((s) => translate(lang, `section.${s}`));
  const counts = (await db('applications')
    .where({ account_id: account.id })
    .groupBy('status')
    .select('status')
    .count({ n: '*' })) as { status: string; n: string | number }[];
  const applications = counts
    .map((c) => `${Number(c.n)} ${translate(lang, `applications.status.${c.status}`)}`)
    .join(', ');
  const none = translate(lang, 'sms.myData.none');
  return {
    username: usernameOf(phone),
    identity: identity || none,
    sections: filled.join(', ') || none,
    applications: applications || none,
  };
}
