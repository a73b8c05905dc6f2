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
  'main.changePassword': 'Change password',
  'main.comingSoon': 'This service is coming soon. Please check again later.',

  // language
  'language.title': 'Choose language/Chagua lugha',
  'language.english': 'English',
  'language.kiswahili': 'Kiswahili',
  'language.saved': 'Language set to English.',

  // create account
  'account.confirm': 'Create a CP2 account for {username}? Your login details will be sent by SMS.',
  'account.confirmYes': 'Confirm',
  'account.confirmNo': 'Cancel',
  'account.cancelled': 'No account was created. Dial {code} any time to start again.',
  'account.created': 'Your account is ready. Your login details have been sent by SMS to {username}.',
  'account.exists': 'An account already exists for {username}.',
  'account.reset': 'Send me a new password',
  'account.resetSent': 'A new password has been sent by SMS to {username}.',
  'account.resetLimited': 'You have asked for 3 new passwords in 24 hours. Try again after {time}.',

  // log in
  'login.prompt': 'Enter your CP2 password:',
  'login.hint': 'Forgot it? SMS PASSWORD to {sms}.',
  'login.wrong': 'Wrong password. {left} attempts left.',
  'login.locked':
    'Your account is locked after 5 wrong passwords. Try again after {time}, or SMS PASSWORD to {sms}.',
  'login.noAccount': 'There is no account for this number. Dial {code} and choose Create account.',

  // change password
  'password.current': 'Enter your current password:',
  'password.new': 'Enter a new password of 6 to 12 digits:',
  'password.trivial': 'Too easy to guess. Avoid 123456 or repeated digits.',
  'password.confirm': 'Enter the new password again:',
  'password.mismatch': 'The passwords did not match.',
  'password.changed': 'Your password has been changed. Use it the next time you log in.',

  // SMS (each must fit one 160-character GSM-7 segment with the longest values)
  'sms.credentials':
    'CP2 account created. Username: {username} Password: {password} Dial {code} to log in. Keep your password secret.',
  'sms.passwordReset':
    'Your new CP2 password is {password} for username {username}. Dial {code} to log in. Not you? SMS HELP to {sms}.',
  'sms.accountLocked':
    'Your CP2 account is locked after 5 wrong passwords until {time}. Not you? SMS PASSWORD to {sms} for a new password.',
  'sms.passwordChanged': 'Your CP2 password was changed. If you did not do this, SMS PASSWORD to {sms} now.',
  'sms.help':
    'CP2: dial {code} to create an account, apply for jobs and see your applications. SMS PASSWORD for a new password, STATUS for your account.',
  'sms.status': 'CP2 account {username}: registered {date}. Profile: {profile}.',
  'sms.profileComplete': 'complete',
  'sms.profileIncomplete': 'not complete, dial {code} to fill it',
  'sms.noAccount':
    'There is no CP2 account for this number. Dial {code} and choose Create account to get one.',
  'sms.resetLimited': 'You have asked for 3 new CP2 passwords in 24 hours. Try again after {time}.',

  // help
  'help.text':
    'CP2 Exam Council. Dial {code} to create an account and apply for jobs. SMS HELP, PASSWORD or STATUS to {sms}.',
} as const;

export type CopyKey = keyof typeof en;
