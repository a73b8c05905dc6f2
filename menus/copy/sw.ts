// Kiswahili copy: the same keys as en.ts (the type makes a missing key a compile error).
import type { CopyKey } from './en';

export const sw: Record<CopyKey, string> = {
  'nav.back': '0 Rudi',
  'nav.home': '00 Mwanzo',
  'nav.backHome': '0 Rudi 00 Mwanzo',
  'nav.more': '98 Zaidi',
  'engine.expired': 'Muda wa kikao umeisha, tafadhali piga {code} tena.',
  'engine.apology': 'Samahani, hatukuweza kukamilisha ombi lako. Tafadhali piga {code} tena baadaye.',
  'engine.busy': 'Samahani, huduma ina shughuli nyingi. Tafadhali piga {code} tena baadaye.',
  'engine.tooManyErrors': 'Makosa mengi mno. Piga {code} kujaribu tena au tuma SMS MSAADA kwa {sms}.',
  'engine.invalidOption': 'Chaguo si sahihi. Weka nambari iliyo kwenye orodha.',
  'engine.invalidDigits': 'Weka tarakimu {min} hadi {max}.',
  'engine.invalidText': 'Weka herufi {min} hadi {max}.',
  'engine.invalidPattern': 'Ulichoweka si sahihi. Jaribu tena.',
  'engine.resume': 'Hukumaliza mara iliyopita.',
  'engine.resumeContinue': 'Endelea ulipoachia',
  'engine.resumeRestart': 'Anza upya',

  'main.title': 'Karibu CP2 Baraza la Mitihani',
  'main.createAccount': 'Fungua akaunti',
  'main.myProfile': 'Wasifu wangu',
  'main.apply': 'Omba kazi',
  'main.myApplications': 'Maombi yangu',
  'main.withdraw': 'Ondoa ombi',
  'main.language': 'Lugha/Language',
  'main.help': 'Msaada',
  'main.changePassword': 'Badilisha nenosiri',
  'main.comingSoon': 'Huduma hii inakuja hivi karibuni. Tafadhali jaribu tena baadaye.',

  'language.title': 'Chagua lugha/Choose language',
  'language.english': 'English',
  'language.kiswahili': 'Kiswahili',
  'language.saved': 'Lugha imewekwa kuwa Kiswahili.',

  'account.confirm': 'Fungua akaunti ya CP2 kwa {username}? Maelezo ya kuingia yatatumwa kwa SMS.',
  'account.confirmYes': 'Thibitisha',
  'account.confirmNo': 'Ghairi',
  'account.cancelled': 'Hakuna akaunti iliyofunguliwa. Piga {code} wakati wowote kuanza tena.',
  'account.created': 'Akaunti yako iko tayari. Maelezo ya kuingia yametumwa kwa SMS kwa {username}.',
  'account.exists': 'Tayari kuna akaunti ya {username}.',
  'account.reset': 'Nitumie nenosiri jipya',
  'account.resetSent': 'Nenosiri jipya limetumwa kwa SMS kwa {username}.',
  'account.resetLimited': 'Umeomba nenosiri jipya mara 3 ndani ya saa 24. Jaribu tena baada ya {time}.',

  'login.prompt': 'Weka nenosiri lako la CP2:',
  'login.hint': 'Umesahau? Tuma SMS NENOSIRI kwa {sms}.',
  'login.wrong': 'Nenosiri si sahihi. Majaribio {left} yamebaki.',
  'login.locked':
    'Akaunti imefungwa baada ya makosa 5. Jaribu tena baada ya {time}, au tuma SMS NENOSIRI kwa {sms}.',
  'login.noAccount': 'Hakuna akaunti ya nambari hii. Piga {code} uchague Fungua akaunti.',

  'password.current': 'Weka nenosiri lako la sasa:',
  'password.new': 'Weka nenosiri jipya la tarakimu 6 hadi 12:',
  'password.trivial': 'Ni rahisi kukisia. Epuka 123456 au tarakimu zinazojirudia.',
  'password.confirm': 'Weka nenosiri jipya tena:',
  'password.mismatch': 'Nenosiri hazikulingana.',
  'password.changed': 'Nenosiri lako limebadilishwa. Litumie utakapoingia tena.',

  'sms.credentials':
    'Akaunti ya CP2 imefunguliwa. Jina: {username} Nenosiri: {password} Piga {code} kuingia. Usimpe mtu nenosiri lako.',
  'sms.passwordReset':
    'Nenosiri jipya la CP2 ni {password} kwa jina {username}. Piga {code} kuingia. Si wewe? Tuma MSAADA kwa {sms}.',
  'sms.accountLocked':
    'Akaunti yako ya CP2 imefungwa hadi {time} baada ya makosa 5. Si wewe? Tuma NENOSIRI kwa {sms} upate jipya.',
  'sms.passwordChanged':
    'Nenosiri lako la CP2 limebadilishwa. Kama si wewe, tuma SMS NENOSIRI kwa {sms} sasa.',
  'sms.help':
    'CP2: piga {code} kufungua akaunti, kuomba kazi na kuona maombi yako. Tuma NENOSIRI kupata nenosiri jipya, HALI kuona akaunti.',
  'sms.status': 'Akaunti ya CP2 {username}: ilifunguliwa {date}. Wasifu: {profile}.',
  'sms.profileComplete': 'umekamilika',
  'sms.profileIncomplete': 'haujakamilika, piga {code} kuujaza',
  'sms.noAccount': 'Hakuna akaunti ya CP2 ya nambari hii. Piga {code} uchague Fungua akaunti.',
  'sms.resetLimited': 'Umeomba nenosiri jipya la CP2 mara 3 ndani ya saa 24. Jaribu tena baada ya {time}.',

  'help.text':
    'CP2 Baraza la Mitihani. Piga {code} kufungua akaunti na kuomba kazi. Tuma SMS MSAADA, NENOSIRI au HALI kwa {sms}.',
};
