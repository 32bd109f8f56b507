import nodemailer from 'nodemailer';
import type { Db } from '../db/connect.ts';
import type { MailTransport } from './outbox.ts';

/** SMTP through nodemailer, e.g. `smtp://user:pass@mail.example.com:587`. */
export function smtpTransport(url: string, from: string): MailTransport {
  // Well under the outbox's 60-second lease: a slow server must fail a send before the lease ends,
  // or another sender could take the same email again. (nodemailer reads options from the query.)
  const withTimeouts = new URL(url);
  for (const [option, milliseconds] of [
    ['connectionTimeout', '10000'],
    ['greetingTimeout', '10000'],
    ['socketTimeout', '20000'],
  ]) {
    if (!withTimeouts.searchParams.has(option)) withTimeouts.searchParams.set(option, milliseconds);
  }
  const transporter = nodemailer.createTransport(withTimeouts.toString());
  // One Message-ID per outbox row, the same on every attempt and from every replica: should an
  // email ever be sent twice, the receiving side can tell (and drop) the copy.
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'localhost';

  return {
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<outbox-${message.outboxId}@${domain}>`,
      });
    },
  };
}

/**
 * The built-in mailbox for the demo and development: messages are kept in a table and shown by
 * `GET /dev/mailbox`. Its rows hold the links, so it is used only when no SMTP server is set.
 */
export function mailboxTransport(db: Db): MailTransport {
  return {
    async send(message) {
      await db
        .insertInto('mailbox_messages')
        .values({
          outbox_id: message.outboxId,
          recipient: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html,
        })
        .execute();
    },
  };
}
