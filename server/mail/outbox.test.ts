import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { freePort, TestSmtpServer } from '../../test/support/smtp.ts';
import { OutboxSender, retryDelay } from './outbox.ts';
import { renderEmail } from './templates.ts';
import { mailboxTransport, smtpTransport } from './transports.ts';

const FROM = 'User management <no-reply@um.test>';
let sequence = 0;

eachDatabase(
  'the email outbox',
  (ctx) => {
    let accountId: number;
    let adminToken: string;
    const servers: TestSmtpServer[] = [];

    before(async () => {
      accountId = await ctx().fixtures.account('Mail & <Co>');
      const admin = await ctx().fixtures.member(accountId, {
        role: ROLE.administrators,
        name: 'Mia Mailer',
      });
      adminToken = await ctx().tokenFor(admin.id, accountId);
    });
    after(async () => {
      for (const server of servers) await server.close();
    });

    const startSmtp = async (port?: number) => {
      const server = new TestSmtpServer();
      servers.push(server);
      return { server, port: await server.listen(port) };
    };

    /** Send everything already due, so each test starts with an empty queue. */
    const drain = (context: TestContext) =>
      new OutboxSender(context.db, mailboxTransport(context.db), context.clock, 1000).runOnce();

    const invite = async (lang = 'en') => {
      const email = `mail-${Date.now().toString(36)}-${sequence++}@outbox.test`;
      const response = await ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token: adminToken,
        json: { client_id: accountId, email, user_role: { id: 2 }, lang },
      });
      assert.equal(response.status, 200);
      return email;
    };

    it('delivers an invitation over real SMTP, with a text part whose link works, then forgets the link', async () => {
      await drain(ctx());
      const { server, port } = await startSmtp();
      const sender = new OutboxSender(
        ctx().db,
        smtpTransport(`smtp://127.0.0.1:${port}`, FROM),
        ctx().clock,
      );
      const email = await invite();
      assert.equal(await sender.runOnce(), 1);
      assert.equal(server.received.length, 1);
      const [mail] = server.received;
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', email);
      assert.equal(mail.subject, 'You are invited to Mail & <Co>');
      assert.match(
        mail.html || '',
        /Mail &#38; &#60;Co&#62;/,
        'the company name is escaped in HTML',
      );
      const link = mail.text!.match(/http:\/\/um\.test\/\?token=([\w-]{43})/);
      assert.ok(link, mail.text);

      const state = await (await ctx().request(`/iam/auth/invitations/${link[1]}`)).json();
      assert.equal(state.state, 'valid');
      assert.equal(state.email, email);
      const accepted = await ctx().request(`/iam/auth/invitations/${link[1]}/accept`, {
        method: 'POST',
        json: { password: 'followed the emailed link' },
      });
      assert.equal(accepted.status, 200);

      const row = await ctx()
        .db.selectFrom('email_outbox')
        .select(['sent_at', 'payload', 'attempts'])
        .where('recipient', '=', email)
        .executeTakeFirstOrThrow();
      assert.ok(row.sent_at);
      assert.equal(row.attempts, 1);
      assert.equal(
        (row.payload as { link?: string }).link,
        undefined,
        'the sent row keeps no link',
      );
      assert.equal(await sender.runOnce(), 0, 'nothing is sent twice');
    });

    it('gives a copy sent again after a crash between SMTP and the outbox commit the same Message-ID', async () => {
      await drain(ctx());
      const { server, port } = await startSmtp();
      const smtp = smtpTransport(`smtp://127.0.0.1:${port}`, FROM);
      let crashes = 1;
      // The server accepted the message (250), then the sender died before marking it sent.
      const crashing = {
        async send(message: Parameters<typeof smtp.send>[0]) {
          await smtp.send(message);
          if (crashes-- > 0) throw new Error('crashed after the 250');
        },
      };
      const sender = new OutboxSender(ctx().db, crashing, ctx().clock);
      const first = await invite();
      assert.equal(await sender.runOnce(), 0);
      ctx().clock.advance(retryDelay(1));
      assert.equal(await sender.runOnce(), 1);
      const second = await invite();
      assert.equal(await sender.runOnce(), 1);
      const ids = (to: string) =>
        server.received
          .filter((mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '') === to)
          .map((mail) => mail.messageId);
      const copies = ids(first);
      assert.equal(copies.length, 2);
      assert.ok(copies[0], 'a Message-ID is set');
      assert.equal(copies[1], copies[0], 'receivers can de-duplicate');
      assert.match(copies[0]!, /^<[^<>@\s]+@um\.test>$/, 'on the sender domain');
      assert.notEqual(ids(second)[0], copies[0], 'another email, another id');
    });

    it('keeps an email through an SMTP outage and delivers it exactly once when the server is back', async () => {
      await drain(ctx());
      const port = await freePort();
      const sender = new OutboxSender(
        ctx().db,
        smtpTransport(`smtp://127.0.0.1:${port}`, FROM),
        ctx().clock,
      );
      const email = await invite();

      assert.equal(await sender.runOnce(), 0, 'the server is down');
      const failed = await ctx()
        .db.selectFrom('email_outbox')
        .select(['sent_at', 'attempts', 'last_error', 'next_attempt_at'])
        .where('recipient', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal(failed.sent_at, null);
      assert.equal(failed.attempts, 1);
      assert.match(failed.last_error ?? '', /ECONNREFUSED|connect/i);
      assert.equal(failed.next_attempt_at.getTime(), ctx().clock.now().getTime() + retryDelay(1));

      const { server } = await startSmtp(port);
      assert.equal(await sender.runOnce(), 0, 'not before the retry is due');
      ctx().clock.advance(retryDelay(1));
      assert.equal(await sender.runOnce(), 1);
      assert.equal(await sender.runOnce(), 0);
      ctx().clock.advance(10 * 60_000);
      assert.equal(await sender.runOnce(), 0);
      assert.deepEqual(
        server.received.map((mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '')),
        [email],
      );
    });

    it('never gives the same email to two senders at once', async () => {
      await drain(ctx());
      const { server, port } = await startSmtp();
      const emails = [
        await invite(),
        await invite(),
        await invite(),
        await invite(),
        await invite(),
      ];
      const senders = [1, 2, 3].map(
        () =>
          new OutboxSender(
            ctx().db,
            smtpTransport(`smtp://127.0.0.1:${port}`, FROM),
            ctx().clock,
            2,
          ),
      );
      let sent = 0;
      for (let round = 0; round < 4; round++) {
        sent += (await Promise.all(senders.map((sender) => sender.runOnce()))).reduce(
          (a, b) => a + b,
          0,
        );
      }
      assert.equal(sent, 5);
      const recipients = server.received
        .map((mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : ''))
        .sort();
      assert.deepEqual(recipients, [...emails].sort());
    });

    it('takes a sending lease: a sender that died mid-send leaves the email due again later', async () => {
      await drain(ctx());
      const email = await invite();
      const second = new OutboxSender(
        ctx().db,
        { send: async () => assert.fail('the leased email must not be handed out') },
        ctx().clock,
      );
      // A crash between claiming and marking: claim through a transport that never returns.
      const hanging = new OutboxSender(
        ctx().db,
        { send: () => new Promise<void>(() => {}) },
        ctx().clock,
      );
      void hanging.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await second.runOnce(), 0, 'the claimed row is leased to the hanging sender');
      ctx().clock.advance(60_000);
      const { server, port } = await startSmtp();
      const recovering = new OutboxSender(
        ctx().db,
        smtpTransport(`smtp://127.0.0.1:${port}`, FROM),
        ctx().clock,
      );
      assert.equal(await recovering.runOnce(), 1);
      assert.equal(server.received.length, 1);
      assert.equal(
        server.received[0].to && !Array.isArray(server.received[0].to)
          ? server.received[0].to.text
          : '',
        email,
      );
    });

    it("writes each email in the invitee's language, with a plain-text part", () => {
      const payload = {
        company: 'Acme',
        inviter: 'Ada',
        link: 'http://um.test/?token=abc',
        new_user: true,
      };
      for (const [lang, word] of [
        ['en', 'Create your password'],
        ['de', 'Passwort festlegen'],
        ['ru', 'Создать пароль'],
        ['zh', '设置密码'],
        ['az', 'Create your password'],
      ]) {
        const rendered = renderEmail({ template: 'invitation_new_user', payload }, lang);
        assert.match(rendered.text, new RegExp(`${word}: http://um.test/\\?token=abc`), lang);
        assert.match(rendered.html, new RegExp(word), lang);
      }
      const resent = renderEmail(
        { template: 'invitation_resend', payload: { ...payload, new_user: false } },
        'en',
      );
      assert.match(resent.text, /Accept the invitation: /);
      assert.equal(
        renderEmail(
          { template: 'invitation_new_user', payload: { ...payload, company: 'Evil\r\nBcc: x@y' } },
          'en',
        ).subject,
        'You are invited to Evil Bcc: x@y',
      );
    });
  },
  { INVITES_PER_DAY: '1000' },
);
