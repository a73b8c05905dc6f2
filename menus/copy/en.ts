// English copy. Every screen must stay within 160 GSM-7 characters once rendered (tests check it).
export const en = {
  // engine
  'nav.back': '0 Back',
  'nav.home': '00 Home',
  'nav.backHome': '0 Back 00 Home',
  'nav.more': '98 More',
  'engine.expired': 'Session expired, please dial {code} again.',
  'engine.apology': 'Sorry, we could not complete your request. Please dial {code} again shortly.',
  'engine.busy': 'Sorry, the service is busy. Please dial {code} again shortly.',
  'engine.tooManyErrors': 'Too many invalid entries. Dial {code} to try again or SMS HELP to {sms}.',
  'engine.invalidOption': 'Invalid choice. Enter a number from the list.',
  'engine.invalidDigits': 'Enter {min} to {max} digits.',
  'engine.invalidText': 'Enter {min} to {max} characters.',
  'engine.invalidPattern': 'That entry is not valid. Try again.',
  'engine.resume': 'You did not finish last time.',
  'engine.resumeContinue': 'Continue where you left off',
  'engine.resumeRestart': 'Start again',

  // main menu
  'main.title': 'Welcome to CP2 Exam Council',
  'main.createAccount': 'Create account',
  'main.myProfile': 'My profile',
  'main.apply': 'Apply for a job',
  'main.myApplications': 'My applications',
  'main.withdraw': 'Withdraw application',
  'main.language': 'Language/Lugha',
  'main.help': 'Help',
  'main.comingSoon': 'This service is coming soon. Please check again later.',

  // language
  'language.title': 'Choose language/Chagua lugha',
  'language.english': 'English',
  'language.kiswahili': 'Kiswahili',
  'language.saved': 'Language set to English.',

  // help
  'help.text':
    'CP2 Exam Council. Dial {code} to create an account and apply for jobs. SMS HELP, PASSWORD or STATUS to {sms}.',
} as const;

export type CopyKey = keyof typeof en;
