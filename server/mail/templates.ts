import { mailMessages } from './messages.ts';

/** Every email the BFF sends, with what it needs; rendered to a text and an HTML part. */

export interface InvitationPayload {
  company: string;
  inviter: string;
  link: string;
  /** The person has no password yet: the link leads to creating one. */
  new_user: boolean;
}

export interface EmailChangedPayload {
  new_email: string;
}

export interface LinkPayload {
  link: string;
}

export interface TwoFaReminderPayload {
  company: string;
  /** The day the grace period ends (YYYY-MM-DD, UTC); null once it has ended. */
  deadline: string | null;
  /** Where the member signs in (PUBLIC_URL). */
  link: string;
}

export type Email =
  | {
      template: 'invitation_new_user' | 'invitation_existing_user' | 'invitation_resend';
      payload: InvitationPayload;
    }
  | { template: 'email_changed'; payload: EmailChangedPayload }
  | { template: 'two_fa_disable'; payload: LinkPayload }
  | { template: 'email_change_confirm'; payload: LinkPayload }
  | { template: 'two_fa_reminder'; payload: TwoFaReminderPayload };

export type EmailTemplate = Email['template'];

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(email: Email, lang: string): RenderedEmail {
  const words = mailMessages(lang);
  if (email.template === 'email_changed') {
    const intro = words.emailChanged.intro.replaceAll('{newEmail}', email.payload.new_email);
    return compose(
      lang,
      words.emailChanged.subject,
      [intro, words.emailChanged.notYou],
      undefined,
      words.signature,
    );
  }
  if (email.template === 'email_change_confirm') {
    const confirm = words.emailChangeConfirm;
    return compose(
      lang,
      confirm.subject,
      [confirm.intro],
      { label: confirm.action, href: email.payload.link },
      words.signature,
      [confirm.validity, words.ignore],
    );
  }
  if (email.template === 'two_fa_disable') {
    const words2 = words.twoFaDisable;
    return compose(
      lang,
      words2.subject,
      [words2.intro],
      { label: words2.action, href: email.payload.link },
      words.signature,
      [words2.validity, words.emailChanged.notYou],
    );
  }
  if (email.template === 'two_fa_reminder') {
    const { company, deadline, link } = email.payload;
    const reminder = words.twoFaReminder;
    const fill = (text: string) =>
      text.replaceAll('{company}', inert(company)).replaceAll('{deadline}', deadline ?? '');
    return compose(
      lang,
      fill(reminder.subject),
      [fill(reminder.intro), fill(deadline ? reminder.deadline : reminder.overdue)],
      { label: reminder.action, href: link },
      words.signature,
    );
  }
  const { payload } = email;
  const fill = (text: string) =>
    text
      .replaceAll('{company}', inert(payload.company))
      .replaceAll('{inviter}', inert(payload.inviter));
  const { subject, intro, action } =
    email.template === 'invitation_new_user'
      ? words.invitationNewUser
      : email.template === 'invitation_existing_user'
        ? words.invitationExistingUser
        : {
            ...words.invitationResend,
            action: payload.new_user ? words.createPassword : words.acceptAccess,
          };
  return compose(
    lang,
    fill(subject),
    [fill(intro)],
    { label: action, href: payload.link },
    words.signature,
    [words.linkValidity, words.ignore],
  );
}

function compose(
  lang: string,
  subject: string,
  paragraphs: string[],
  action: { label: string; href: string } | undefined,
  signature: string,
  notes: string[] = [],
): RenderedEmail {
  const text = [
    ...paragraphs,
    ...(action ? ['', `${action.label}: ${action.href}`] : []),
    '',
    ...notes,
    ...(notes.length ? [''] : []),
    `— ${signature}`,
  ].join('\n');
  const muted = 'color: #5c636b; font-size: 13px';
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><body style="font-family: system-ui, sans-serif; color: #1f2328; line-height: 1.5">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${
  action
    ? `<p><a href="${escapeHtml(action.href)}" style="display: inline-block; padding: 10px 16px; background: #c2410c; color: #ffffff; border-radius: 4px; text-decoration: none">${escapeHtml(action.label)}</a></p>
<p style="${muted}">${escapeHtml(action.href)}</p>`
    : ''
}
${notes.length ? `<p style="${muted}">${escapeHtml(notes.join(' '))}</p>` : ''}
</body></html>`;
  // A line break in a typed company name must not become a second header line.
  return { subject: subject.replace(/[\r\n\t]+/g, ' '), text, html };
}

/**
 * Names and company names are typed by people, and the BFF refuses control characters in them;
 * rows older than that rule, or written around it, still never break a line of an email.
 */
function inert(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
}

/** Names and company names are typed by people: never let them become markup. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
