import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/connect.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';

const mailboxMessages = z.object({
  messages: z.array(
    z.object({
      id: z.number().int(),
      to: z.string(),
      subject: z.string(),
      text: z.string(),
      html: z.string(),
      created_at: z.string(),
      links: z.array(z.string()),
    }),
  ),
});

export const mailboxOperations = {
  list: operation(routes.mailbox, {
    summary: 'The built-in mailbox (only while the demo seed is on and no SMTP server is set)',
    responses: { 200: { description: 'Every message, newest first', schema: mailboxMessages } },
  }),
};

export function mailboxRoutes(db: Db) {
  return new Hono<AppEnv>().get(mailboxOperations.list.path, async (c) => {
    const rows = await db
      .selectFrom('mailbox_messages')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return c.json({
      messages: rows.map((row) => ({
        id: Number(row.id),
        to: row.recipient,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        created_at: row.created_at.toISOString(),
        links: [...row.text_body.matchAll(/https?:\/\/\S+/g)].map((match) => match[0]),
      })),
    });
  });
}
