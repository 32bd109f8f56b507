import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { MAX_SETTINGS_PASSWORD_FAILURES } from '../auth/attempts.ts';
import { passwordHashing, type Admission } from '../auth/passwords.ts';
import { EMAIL_CHANGES_PER_HOUR } from './profile.ts';

let sequence = 0;
const freshEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${sequence++}@profile.test`;

eachDatabase('editing a profile: PATCH /iam/users/{userId}', (ctx) => {
  let accountId: number;
  let admin: { id: number; email: string };
  let member: { id: number; email: string };

  before(async () => {
    accountId = await ctx().fixtures.account('Profile Co');
    admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    member = await ctx().fixtures.member(accountId, { role: ROLE.engineers, name: 'Before' });
  });

  const patch = async (callerId: number, userId: number, json: unknown) =>
    ctx().request(`/iam/users/${userId}`, {
      method: 'PATCH',
      token: await ctx().tokenFor(callerId, accountId),
      json,
    });

  it('lets a member change their own name, language and phone', async () => {
    const response = await patch(member.id, member.id, {
      name: 'Myself',
      lang: 'zh',
      phone: '+49 (30) 123-456',
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as User;
    assert.deepEqual([body.name, body.lang, body.phone], ['Myself', 'zh', '+49 (30) 123-456']);
    const cleared = (await (await patch(member.id, member.id, { phone: '' })).json()) as User;
    assert.equal(cleared.phone, null);
  });

  it("lets an Administrator change another member's name and language, and audits it", async () => {
    const response = await patch(admin.id, member.id, { name: 'Set by admin', lang: 'de' });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as User).name, 'Set by admin');
    const audit = await ctx()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.updated')
      .where('target_id', '=', String(member.id))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_user_id, admin.id);
    assert.deepEqual((audit.details as { fields: string[] }).fields.sort(), ['lang', 'name']);
  });

  it('refuses a non-administrator editing someone else, and changes nothing', async () => {
    const response = await patch(member.id, admin.id, { name: 'Hacked' });
    assert.equal(response.status, 403);
    const row = await ctx()
      .db.selectFrom('users')
      .select('name')
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.name, 'Hacked');
  });

  it("answers 404 for another account's user", async () => {
    const stranger = await ctx().fixtures.member(await ctx().fixtures.account());
    assert.equal((await patch(admin.id, stranger.id, { name: 'x' })).status, 404);
  });

  it('refuses fields that may not be set here with 400, applying none of the body', async () => {
    for (const field of [
      { role: 1 },
      { client: 2 },
      { two_fa: false },
      { id: 9 },
      { user_role: { id: 1 } },
    ]) {
      const response = await patch(member.id, member.id, { name: 'Sneaky', ...field });
      assert.equal(response.status, 400, JSON.stringify(field));
      const { errors } = await response.json();
      assert.match(errors.non_field_errors[0], /Unknown field/);
    }
    const row = await ctx()
      .db.selectFrom('users')
      .select('name')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.name, 'Sneaky');
    const phone = await patch(member.id, member.id, { phone: 'call me maybe' });
    assert.deepEqual((await phone.json()).errors, { phone: ['Enter a valid phone number.'] });
    const lang = await patch(member.id, member.id, { lang: 'xx' });
    assert.ok((await lang.json()).errors.lang);
  });

  it('never changes an email through PATCH: 400 for oneself, 403 for an administrator', async () => {
    const own = await patch(member.id, member.id, { email: 'new@x.test' });
    assert.equal(own.status, 400);
    assert.match((await own.json()).errors.email[0], /PUT \/iam\/users\/\d+\/email/);
    const others = await patch(admin.id, member.id, { email: 'new@x.test' });
    assert.equal(others.status, 403);
    const row = await ctx()
      .db.selectFrom('users')
      .select('email')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.email, member.email);
  });
});

eachDatabase('changing one’s email and password', (ctx) => {
  let accountId: number;

  before(async () => {
    accountId = await ctx().fixtures.account('Secrets Co');
  });

  const person = async () => {
    const user = await ctx().fixtures.member(accountId, { email: freshEmail('owner') });
    return { ...user, token: await ctx().tokenFor(user.id, accountId) };
  };
  const putEmail = (user: { id: number; token: string }, json: unknown, targetId = user.id) =>
    ctx().request(`/iam/users/${targetId}/email`, { method: 'PUT', token: user.token, json });
  const putPassword = (user: { id: number; token: string }, json: unknown, targetId = user.id) =>
    ctx().request(`/iam/users/${targetId}/password`, { method: 'PUT', token: user.token, json });

  it('changes the email only once a link sent to the new address is opened, then tells the old one', async () => {
    const user = await person();
    const newEmail = freshEmail('moved');
    const wrong = await putEmail(user, { new_email: newEmail, password: 'not it' });
    assert.equal(wrong.status, 400);
    assert.deepEqual((await wrong.json()).errors, { password: ['The password is not correct.'] });

    const response = await putEmail(user, {
      new_email: ` ${newEmail.toUpperCase()} `,
      password: Fixtures.PASSWORD,
    });
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { status: 'confirmation_sent', new_email: newEmail });
    const stillOld = await ctx()
      .db.selectFrom('users')
      .select('email')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(stillOld.email, user.email, 'nothing changes before the new address confirms');

    const linkTo = async (to: string) => {
      const row = await ctx()
        .db.selectFrom('email_outbox')
        .select(['template', 'payload'])
        .where('recipient', '=', to)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(row.template, 'email_change_confirm');
      return new URL((row.payload as { link: string }).link).searchParams.get(
        'confirm_email_token',
      )!;
    };
    const first = await linkTo(newEmail);
    const confirm = (token: string) =>
      ctx().request('/iam/auth/email/confirm', { method: 'POST', json: { token } });

    const secondEmail = freshEmail('moved-again');
    await putEmail(user, { new_email: secondEmail, password: Fixtures.PASSWORD });
    assert.equal((await confirm(first)).status, 401, 'a newer request voids the older link');
    const second = await linkTo(secondEmail);
    const done = await confirm(second);
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { status: 'changed', email: secondEmail });
    assert.equal((await confirm(second)).status, 401, 'single use');

    const notice = await ctx()
      .db.selectFrom('email_outbox')
      .select(['template', 'payload'])
      .where('recipient', '=', user.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(notice.template, 'email_changed');
    assert.deepEqual(notice.payload, { new_email: secondEmail });
    const login = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: secondEmail, password: Fixtures.PASSWORD },
    });
    assert.equal(login.status, 200);
  });

  it('refuses a link over a day old, and an address taken meanwhile', async () => {
    const user = await person();
    const target = freshEmail('contested');
    await putEmail(user, { new_email: target, password: Fixtures.PASSWORD });
    const row = await ctx()
      .db.selectFrom('email_outbox')
      .select('payload')
      .where('recipient', '=', target)
      .executeTakeFirstOrThrow();
    const token = new URL((row.payload as { link: string }).link).searchParams.get(
      'confirm_email_token',
    )!;
    await ctx().fixtures.user({ email: target }); // someone else takes the address first
    const taken = await ctx().request('/iam/auth/email/confirm', {
      method: 'POST',
      json: { token },
    });
    assert.equal(taken.status, 400);
    assert.deepEqual((await taken.json()).errors, { new_email: ['This email is already in use.'] });

    const later = freshEmail('later');
    await putEmail(
      { ...user, token: await ctx().tokenFor(user.id, accountId) },
      { new_email: later, password: Fixtures.PASSWORD },
    );
    const laterRow = await ctx()
      .db.selectFrom('email_outbox')
      .select('payload')
      .where('recipient', '=', later)
      .executeTakeFirstOrThrow();
    const laterToken = new URL((laterRow.payload as { link: string }).link).searchParams.get(
      'confirm_email_token',
    )!;
    ctx().clock.advance(24 * 60 * 60_000 + 1000);
    try {
      const expired = await ctx().request('/iam/auth/email/confirm', {
        method: 'POST',
        json: { token: laterToken },
      });
      assert.equal(expired.status, 401);
    } finally {
      ctx().clock.advance(-(24 * 60 * 60_000 + 1000));
    }
  });

  it('refuses an email that is taken, the same email, and another user’s email change', async () => {
    const user = await person();
    const other = await person();
    const taken = await putEmail(user, { new_email: other.email, password: Fixtures.PASSWORD });
    assert.deepEqual((await taken.json()).errors, { new_email: ['This email is already in use.'] });
    const same = await putEmail(user, { new_email: user.email, password: Fixtures.PASSWORD });
    assert.equal(same.status, 400);
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const adminCaller = { id: admin.id, token: await ctx().tokenFor(admin.id, accountId) };
    const forbidden = await putEmail(
      adminCaller,
      { new_email: freshEmail('x'), password: Fixtures.PASSWORD },
      user.id,
    );
    assert.equal(forbidden.status, 403);
    const bad = await putEmail(user, { new_email: 'nope', password: Fixtures.PASSWORD });
    assert.deepEqual((await bad.json()).errors, { new_email: ['Enter a valid email address.'] });
  });

  it('holds the failed-password limit against wrong passwords sent all at once', async () => {
    const user = await person();
    const answers = await Promise.all(
      Array.from({ length: MAX_SETTINGS_PASSWORD_FAILURES + 5 }, (_, i) =>
        putEmail(user, { new_email: freshEmail(`guess${i}`), password: `wrong guess ${i}` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    // At most the limit's worth are checked at all (on PostgreSQL, guesses that arrive together
    // may all see each other and fewer get through); the rest are refused unchecked: by the
    // limit (429), or by the password-hashing queue when the burst is larger than it (503).
    const checked = statuses.filter((status) => status === 400).length;
    assert.ok(checked <= MAX_SETTINGS_PASSWORD_FAILURES, `${checked} guesses were checked`);
    const refused = statuses.filter((status) => status === 429 || status === 503).length;
    assert.equal(refused, statuses.length - checked, `answers: ${statuses.join(', ')}`);
    // Refused guesses count for nothing: top the checked ones up to the limit.
    for (let i = checked; i < MAX_SETTINGS_PASSWORD_FAILURES; i++) {
      const wrong = await putEmail(user, {
        new_email: freshEmail(`more${i}`),
        password: `more ${i}`,
      });
      assert.equal(wrong.status, 400);
    }
    // Past the limit even the right password waits: whoever guesses cannot tell it apart.
    const right = await putEmail(user, {
      new_email: freshEmail('right'),
      password: Fixtures.PASSWORD,
    });
    assert.equal(right.status, 429);
  });

  it('counts a password the hashing queue could not take for nothing', async () => {
    const user = await person();
    const held: Admission[] = [];
    for (let i = 0; i < passwordHashing.capacity; i++) held.push(passwordHashing.admit());
    try {
      const busy = await putEmail(user, { new_email: freshEmail('busy'), password: 'a guess' });
      assert.equal(busy.status, 503);
    } finally {
      for (const admission of held) admission.release();
    }
    const failures = await ctx()
      .db.selectFrom('login_events')
      .select('id')
      .where('user_id', '=', user.id)
      .where('success', '=', false)
      .execute();
    assert.deepEqual(failures, [], 'no failure written down for a password never checked');
  });

  it(`allows ${EMAIL_CHANGES_PER_HOUR} email changes an hour, then 429`, async () => {
    const user = await person();
    for (let i = 0; i < EMAIL_CHANGES_PER_HOUR; i++) {
      const response = await putEmail(user, {
        new_email: freshEmail(`hop${i}`),
        password: Fixtures.PASSWORD,
      });
      assert.equal(response.status, 202, `change ${i + 1}`);
    }
    ctx().clock.advance(10 * 60_000);
    try {
      const limited = await putEmail(user, {
        new_email: freshEmail('one-too-many'),
        password: Fixtures.PASSWORD,
      });
      assert.equal(limited.status, 429);
      assert.equal((await limited.json()).code, 'rate_limited');
      // When the oldest change of the hour leaves it: 50 minutes on.
      assert.equal(limited.headers.get('Retry-After'), String(50 * 60));
      ctx().clock.advance(50 * 60_000 + 1000);
      const fresh = { id: user.id, token: await ctx().tokenFor(user.id, accountId) };
      assert.equal(
        (await putEmail(fresh, { new_email: freshEmail('later'), password: Fixtures.PASSWORD }))
          .status,
        202,
      );
    } finally {
      ctx().clock.advance(-(60 * 60_000 + 1000));
    }
  });

  it('changes the password with the old one, under the password policy, and ends other sessions', async () => {
    const user = await person();
    const signIn = async (password: string) =>
      ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: { username: user.email, password },
      });
    const other = await (await signIn(Fixtures.PASSWORD)).json();

    const cases: Array<[unknown, string]> = [
      [{ old: 'wrong', new: 'a brand new passphrase', double: 'a brand new passphrase' }, 'old'],
      [
        { old: Fixtures.PASSWORD, new: 'a brand new passphrase', double: 'a different one' },
        'double',
      ],
      [{ old: Fixtures.PASSWORD, new: 'short', double: 'short' }, 'new'],
      [{ old: Fixtures.PASSWORD, new: 'password1', double: 'password1' }, 'new'],
      [{ old: Fixtures.PASSWORD, new: 'a brand new passphrase' }, 'double'],
    ];
    for (const [body, field] of cases) {
      const response = await putPassword(user, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok((await response.json()).errors[field], `${field} is named`);
    }
    const response = await putPassword(user, {
      old: Fixtures.PASSWORD,
      new: 'a brand new passphrase',
      double: 'a brand new passphrase',
    });
    assert.equal(response.status, 200);
    const fresh = (await response.json()) as { access: string; refresh: string };
    assert.equal((await ctx().request('/iam/clients/me', { token: fresh.access })).status, 200);
    const renewed = await ctx().request('/iam/auth/jwt/refresh', {
      method: 'POST',
      json: { refresh: fresh.refresh },
    });
    assert.equal(renewed.status, 200, 'the changing session goes on');
    assert.equal((await signIn(Fixtures.PASSWORD)).status, 400);
    assert.equal((await signIn('a brand new passphrase')).status, 200);
    const refresh = await ctx().request('/iam/auth/jwt/refresh', {
      method: 'POST',
      json: { refresh: other.refresh },
    });
    assert.equal(refresh.status, 401, 'the other session cannot renew itself');
  });

  it("refuses to change another user's password, even for an administrator", async () => {
    const user = await person();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const adminCaller = { id: admin.id, token: await ctx().tokenFor(admin.id, accountId) };
    const response = await putPassword(
      adminCaller,
      { old: Fixtures.PASSWORD, new: 'a brand new passphrase', double: 'a brand new passphrase' },
      user.id,
    );
    assert.equal(response.status, 403);
  });
});
