import type { Language } from '../../shared/roles.ts';

/**
 * The words of every email, per language. English is complete; a missing language falls back to
 * English as a whole, so a translation is one more dictionary of the same type.
 * Placeholders: {company}, {inviter}.
 */
export interface MailMessages {
  invitationNewUser: { subject: string; intro: string; action: string };
  invitationExistingUser: { subject: string; intro: string; action: string };
  invitationResend: { subject: string; intro: string };
  /** Sent to the old address. Placeholder: {newEmail}. */
  emailChanged: { subject: string; intro: string; notYou: string };
  twoFaDisable: { subject: string; intro: string; action: string; validity: string };
  /** Sent to the new address: the change happens when the link is opened. */
  emailChangeConfirm: { subject: string; intro: string; action: string; validity: string };
  /**
   * To a member who has not set up the second factor an account requires. Placeholders:
   * {company}, {deadline} (a date; `overdue` once the grace period is over).
   */
  twoFaReminder: {
    subject: string;
    intro: string;
    deadline: string;
    overdue: string;
    action: string;
  };
  /** The button of a resent invitation, for a new person and for one who has a login. */
  createPassword: string;
  acceptAccess: string;
  linkValidity: string;
  ignore: string;
  signature: string;
}

const en: MailMessages = {
  invitationNewUser: {
    subject: 'You are invited to {company}',
    intro: '{inviter} invited you to join the account {company}.',
    action: 'Create your password',
  },
  invitationExistingUser: {
    subject: 'You have been given access to {company}',
    intro:
      '{inviter} gave you access to the account {company}. You sign in with your usual password.',
    action: 'Accept the invitation',
  },
  invitationResend: {
    subject: 'Your new invitation link for {company}',
    intro: 'Here is a new link to join the account {company}. Earlier links no longer work.',
  },
  emailChanged: {
    subject: 'The email address of your login was changed',
    intro: 'The email address you sign in with was changed to {newEmail}.',
    notYou: 'If you did not do this, contact your account administrator at once.',
  },
  twoFaDisable: {
    subject: 'Confirm turning off two-factor authentication',
    intro:
      'Someone signed in as you asked to turn off two-factor authentication. It stays on until you confirm.',
    action: 'Turn off two-factor authentication',
    validity: 'The link works once, for one hour.',
  },
  emailChangeConfirm: {
    subject: 'Confirm your new email address',
    intro:
      'Someone asked to sign in with this address from now on. It changes only when you confirm.',
    action: 'Confirm this email address',
    validity: 'The link works once, for 24 hours.',
  },
  twoFaReminder: {
    subject: '{company} requires two-factor authentication',
    intro:
      'The account {company} requires two-factor authentication, and you have not set it up yet.',
    deadline:
      'Set it up before {deadline}: after that day, signing in to {company} leads straight to setting it up.',
    overdue: 'Until you set it up, signing in to {company} leads straight to setting it up.',
    action: 'Sign in and set it up',
  },
  createPassword: 'Create your password',
  acceptAccess: 'Accept the invitation',
  linkValidity: 'The link works once, for 24 hours.',
  ignore: 'If you did not expect this email, you can ignore it.',
  signature: 'User management',
};

const de: MailMessages = {
  invitationNewUser: {
    subject: 'Einladung zu {company}',
    intro: '{inviter} hat Sie zum Konto {company} eingeladen.',
    action: 'Passwort festlegen',
  },
  invitationExistingUser: {
    subject: 'Sie haben Zugriff auf {company} erhalten',
    intro:
      '{inviter} hat Ihnen Zugriff auf das Konto {company} gegeben. Sie melden sich mit Ihrem bisherigen Passwort an.',
    action: 'Einladung annehmen',
  },
  invitationResend: {
    subject: 'Ihr neuer Einladungslink für {company}',
    intro:
      'Hier ist ein neuer Link für das Konto {company}. Frühere Links funktionieren nicht mehr.',
  },
  emailChanged: {
    subject: 'Die E-Mail-Adresse Ihres Logins wurde geändert',
    intro: 'Die E-Mail-Adresse, mit der Sie sich anmelden, wurde in {newEmail} geändert.',
    notYou: 'Falls Sie das nicht waren, wenden Sie sich sofort an Ihren Kontoadministrator.',
  },
  twoFaDisable: {
    subject: 'Deaktivieren der Zwei-Faktor-Authentifizierung bestätigen',
    intro:
      'Jemand, der mit Ihrem Konto angemeldet ist, möchte die Zwei-Faktor-Authentifizierung ausschalten. Sie bleibt aktiv, bis Sie bestätigen.',
    action: 'Zwei-Faktor-Authentifizierung ausschalten',
    validity: 'Der Link ist eine Stunde lang einmal gültig.',
  },
  emailChangeConfirm: {
    subject: 'Bestätigen Sie Ihre neue E-Mail-Adresse',
    intro:
      'Jemand möchte sich künftig mit dieser Adresse anmelden. Sie wird erst geändert, wenn Sie bestätigen.',
    action: 'E-Mail-Adresse bestätigen',
    validity: 'Der Link ist 24 Stunden lang einmal gültig.',
  },
  twoFaReminder: {
    subject: '{company} verlangt die Zwei-Faktor-Authentifizierung',
    intro:
      'Das Konto {company} verlangt die Zwei-Faktor-Authentifizierung, und Sie haben sie noch nicht eingerichtet.',
    deadline:
      'Richten Sie sie vor dem {deadline} ein: Danach führt die Anmeldung bei {company} direkt zur Einrichtung.',
    overdue:
      'Bis Sie sie eingerichtet haben, führt die Anmeldung bei {company} direkt zur Einrichtung.',
    action: 'Anmelden und einrichten',
  },
  createPassword: 'Passwort festlegen',
  acceptAccess: 'Einladung annehmen',
  linkValidity: 'Der Link ist 24 Stunden lang einmal gültig.',
  ignore: 'Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren.',
  signature: 'Benutzerverwaltung',
};

const ru: MailMessages = {
  invitationNewUser: {
    subject: 'Приглашение в {company}',
    intro: '{inviter} приглашает вас в аккаунт {company}.',
    action: 'Создать пароль',
  },
  invitationExistingUser: {
    subject: 'Вам открыт доступ к {company}',
    intro: '{inviter} открыл(а) вам доступ к аккаунту {company}. Входите со своим обычным паролем.',
    action: 'Принять приглашение',
  },
  invitationResend: {
    subject: 'Новая ссылка-приглашение в {company}',
    intro: 'Вот новая ссылка для входа в аккаунт {company}. Прежние ссылки больше не действуют.',
  },
  emailChanged: {
    subject: 'Адрес электронной почты для входа изменён',
    intro: 'Адрес, с которым вы входите, изменён на {newEmail}.',
    notYou: 'Если это были не вы, немедленно обратитесь к администратору аккаунта.',
  },
  twoFaDisable: {
    subject: 'Подтвердите отключение двухфакторной аутентификации',
    intro:
      'Кто-то, вошедший под вашей учётной записью, запросил отключение двухфакторной аутентификации. Она останется включённой, пока вы не подтвердите.',
    action: 'Отключить двухфакторную аутентификацию',
    validity: 'Ссылка действует один час и только один раз.',
  },
  emailChangeConfirm: {
    subject: 'Подтвердите новый адрес электронной почты',
    intro: 'Кто-то хочет входить с этим адресом. Он изменится только после вашего подтверждения.',
    action: 'Подтвердить адрес',
    validity: 'Ссылка действует 24 часа и только один раз.',
  },
  twoFaReminder: {
    subject: '{company} требует двухфакторную аутентификацию',
    intro: 'Аккаунт {company} требует двухфакторную аутентификацию, а вы её ещё не настроили.',
    deadline:
      'Настройте её до {deadline}: после этой даты вход в {company} сразу ведёт к её настройке.',
    overdue: 'Пока вы её не настроите, вход в {company} сразу ведёт к её настройке.',
    action: 'Войти и настроить',
  },
  createPassword: 'Создать пароль',
  acceptAccess: 'Принять приглашение',
  linkValidity: 'Ссылка действует 24 часа и только один раз.',
  ignore: 'Если вы не ждали этого письма, просто проигнорируйте его.',
  signature: 'Управление пользователями',
};

const zh: MailMessages = {
  invitationNewUser: {
    subject: '邀请您加入 {company}',
    intro: '{inviter} 邀请您加入账户 {company}。',
    action: '设置密码',
  },
  invitationExistingUser: {
    subject: '您已获得 {company} 的访问权限',
    intro: '{inviter} 已授予您访问账户 {company} 的权限。请使用您现有的密码登录。',
    action: '接受邀请',
  },
  invitationResend: {
    subject: '您加入 {company} 的新邀请链接',
    intro: '这是加入账户 {company} 的新链接。之前的链接已失效。',
  },
  emailChanged: {
    subject: '您的登录邮箱已更改',
    intro: '您用于登录的邮箱地址已更改为 {newEmail}。',
    notYou: '如果这不是您本人操作，请立即联系账户管理员。',
  },
  twoFaDisable: {
    subject: '确认关闭双重身份验证',
    intro: '有人以您的身份登录并请求关闭双重身份验证。在您确认之前，它将保持开启。',
    action: '关闭双重身份验证',
    validity: '该链接在一小时内有效，且只能使用一次。',
  },
  emailChangeConfirm: {
    subject: '请确认您的新邮箱地址',
    intro: '有人希望今后使用此地址登录。只有在您确认后才会更改。',
    action: '确认此邮箱地址',
    validity: '该链接在 24 小时内有效，且只能使用一次。',
  },
  twoFaReminder: {
    subject: '{company} 要求启用双重身份验证',
    intro: '账户 {company} 要求启用双重身份验证，而您尚未设置。',
    deadline: '请在 {deadline} 之前完成设置：此后登录 {company} 将直接进入设置步骤。',
    overdue: '在您完成设置之前，登录 {company} 将直接进入设置步骤。',
    action: '登录并设置',
  },
  createPassword: '设置密码',
  acceptAccess: '接受邀请',
  linkValidity: '该链接在 24 小时内有效，且只能使用一次。',
  ignore: '如果您没有预期收到此邮件，请忽略。',
  signature: '用户管理',
};

const DICTIONARIES: Partial<Record<Language, MailMessages>> = { en, de, ru, zh };

export function mailMessages(lang: string): MailMessages {
  return DICTIONARIES[lang as Language] ?? en;
}
