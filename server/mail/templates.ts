import { mailMessages } from './messages.ts';

/** Every email the BFF sends, with what it needs; rendered to a text and an HTML part. */
export interface InvitationPayload {
  company: string;
  inviter: string;
  link: string;
  /** The person has no password yet: the link leads to creating one. */
  new_user: boolean;
}

export type EmailTemplate =
  'invitation_new_user' | 'invitation_existing_user' | 'invitation_resend';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(
  template: EmailTemplate,
  lang: string,
  payload: InvitationPayload,
): RenderedEmail {
  const words = mailMessages(lang);
  const fill = (text: string) =>
    text.replaceAll('{company}', payload.company).replaceAll('{inviter}', payload.inviter);
  const { subject, intro, action } =
    template === 'invitation_new_user'
      ? words.invitationNewUser
      : template === 'invitation_existing_user'
        ? words.invitationExistingUser
        : {
            ...words.invitationResend,
            action: payload.new_user ? words.createPassword : words.acceptAccess,
          };

  const text = [
    fill(intro),
    '',
    `${action}: ${payload.link}`,
    '',
    words.linkValidity,
    words.ignore,
    '',
    `— ${words.signature}`,
  ].join('\n');
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><body style="font-family: system-ui, sans-serif; color: #1f2328; line-height: 1.5">
<p>${escapeHtml(fill(intro))}</p>
<p><a href="${escapeHtml(payload.link)}" style="display: inline-block; padding: 10px 16px; background: #c2410c; color: #ffffff; border-radius: 4px; text-decoration: none">${escapeHtml(action)}</a></p>
<p style="color: #5c636b; font-size: 13px">${escapeHtml(words.linkValidity)} ${escapeHtml(words.ignore)}</p>
<p style="color: #5c636b; font-size: 13px">${escapeHtml(payload.link)}</p>
</body></html>`;
  // A line break in a typed company name must not become a second header line.
  return { subject: fill(subject).replace(/[\r\n\t]+/g, ' '), text, html };
}

/** Names and company names are typed by people: never let them become markup. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
