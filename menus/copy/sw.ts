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
  'main.comingSoon': 'Huduma hii inakuja hivi karibuni. Tafadhali jaribu tena baadaye.',

  'language.title': 'Chagua lugha/Choose language',
  'language.english': 'English',
  'language.kiswahili': 'Kiswahili',
  'language.saved': 'Lugha imewekwa kuwa Kiswahili.',

  'help.text':
    'CP2 Baraza la Mitihani. Piga {code} kufungua akaunti na kuomba kazi. Tuma SMS MSAADA, NENOSIRI au HALI kwa {sms}.',
};
