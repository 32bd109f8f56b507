import nodemailer from 'nodemailer';
import type { Db } from '../db/connect.ts';
import type { MailTransport } from './outbox.ts';

/** SMTP through nodemailer, e.g. `smtp://user:pass@mail.example.com:587`. */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
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
