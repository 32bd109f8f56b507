import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { renderEmail } from '../../server/mail/templates.ts';
import { eachDatabase } from '../support/context.ts';
import { Fixtures } from '../support/fixtures.ts';

/**
 * What the BFF accepts, at the edge: strict bodies (unknown fields are 400, docs/permissions.md),
 * names that are one line of printable text, JSON and nothing else as a body (issue 11, §4).
 */

let sequence = 0;
const freshEmail = () => `strict-${Date.now().toString(36)}-${sequence++}@strict.test`;

/** The control characters people paste or attackers send: CR, LF, tab, NUL's neighbours, DEL, C1. */
const CONTROLS = ['\r\n', '\n', '\r', '\t', '\u0007', '\u007f', '\u0085', '\u2028'];

eachDatabase(
  'strict input',
  (ctx) => {
    let accountId: number;
    let admin: { id: number; email: string };
    let adminToken: string;
    let invitationToken: string;

    before(async () => {
      accountId = await ctx().fixtures.account('Strict Co');
      admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      adminToken = await ctx().tokenFor(admin.id, accountId);
    });

    const post = (path: string, json: unknown, token: string | undefined = adminToken) =>
      ctx().request(path, { method: 'POST', token, json });
    const inviteBody = (extra: Record<string, unknown> = {}) => ({
      client_id: accountId,
      email: freshEmail(),
      user_role: { id: ROLE.users, name: 'Users' },
      name: 'Ann',
      lang: 'en',
      ...extra,
    });
    const newInvitation = async () => {
      const email = freshEmail();
      assert.equal((await post('/iam/clients/invite_user', inviteBody({ email }))).status, 200);
      const row = await ctx()
        .db.selectFrom('email_outbox')
        .select('payload')
        .where('recipient', '=', email)
        .executeTakeFirstOrThrow();
      return new URL((row.payload as { link: string }).link).searchParams.get('token')!;
    };

    it("accepts exactly the fields Gcore's own clients send, and refuses any other with 400", async () => {
      // Gcore's SDK (gcore-python, types/iam/user_invite_params.py) sends these; `cloud` is ours.
      assert.equal((await post('/iam/clients/invite_user', inviteBody())).status, 200);
      invitationToken = await newInvitation();
      const refusals: [string, unknown, string?][] = [
        ['/iam/clients/invite_user', inviteBody({ is_admin: true })],
        ['/iam/clients/invite_user', inviteBody({ user_role: { id: 2, name: 'Users', x: 1 } })],
        ['/iam/clients/create', { company: 'Extra Inc', owner: 1 }],
        [
          `/iam/auth/invitations/${invitationToken}/accept`,
          { password: 'a good long passphrase', role: 1 },
          '',
        ],
        [
          '/iam/auth/jwt/login',
          { username: admin.email, password: Fixtures.PASSWORD, remember: true },
          '',
        ],
        [
          `/iam/v2/clients/${accountId}/tokens`,
          { name: 't', exp_date: null, client_user: { role: { id: 2 }, user_id: 1 } },
        ],
        [
          `/iam/v2/clients/${accountId}/tokens`,
          { name: 't', exp_date: null, client_user: { role: { id: 2, name: 'Users', rank: 0 } } },
        ],
      ];
      for (const [path, json, token] of refusals) {
        const response = await post(path, json, token === '' ? undefined : adminToken);
        assert.equal(response.status, 400, `${path} ${JSON.stringify(json)}`);
        const body = await response.json();
        assert.match(JSON.stringify(body.errors), /Unknown field/, JSON.stringify(body));
      }
      // The invitation was not spent by the refused accept.
      const state = await (await ctx().request(`/iam/auth/invitations/${invitationToken}`)).json();
      assert.equal(state.state, 'valid');
    });

    it('refuses control characters in names and company names with 400 naming the field', async () => {
      const member = await ctx().fixtures.member(accountId);
      for (const control of CONTROLS) {
        const name = `Eve${control}SECURITY NOTICE: sign in at https://evil.test/login`;
        const cases: [string, string, unknown, string][] = [
          ['POST', '/iam/clients/invite_user', inviteBody({ name }), 'name'],
          ['POST', '/iam/clients/create', { company: name }, 'company'],
          ['PATCH', `/iam/users/${member.id}`, { name }, 'name'],
          [
            'POST',
            `/iam/auth/invitations/${invitationToken}/accept`,
            { password: 'a good long passphrase', name },
            'name',
          ],
        ];
        for (const [method, path, json, field] of cases) {
          const response = await ctx().request(path, {
            method,
            json,
            token: path.includes('/invitations/') ? undefined : adminToken,
          });
          assert.equal(response.status, 400, `${path} ${JSON.stringify(control)}`);
          const { errors } = await response.json();
          assert.deepEqual(Object.keys(errors), [field], JSON.stringify(errors));
        }
      }
      const account = await ctx()
        .db.selectFrom('accounts')
        .select('id')
        .where('company_name', 'like', '%SECURITY NOTICE%')
        .execute();
      assert.deepEqual(account, []);
    });
  },
  { INVITES_PER_DAY: '1000' },
);

it('renders names and company names inert in both parts of an email', () => {
  const hostile =
    'Acme\r\n\r\nSECURITY NOTICE: your account is locked. Sign in at https://evil.test/login\r\n';
  const email = renderEmail(
    {
      template: 'invitation_new_user',
      payload: {
        company: hostile,
        inviter: 'Mallory\nIT department',
        link: 'http://um.test/?token=abc',
        new_user: true,
      },
    },
    'en',
  );
  const intro = email.text.split('\n')[0];
  assert.match(intro, /SECURITY NOTICE/, 'the text is still there, on the one line');
  assert.ok(
    !email.text.split('\n').some((line) => line.startsWith('SECURITY NOTICE')),
    'no paragraph of its own',
  );
  assert.doesNotMatch(email.subject, /[\r\n]/);
  assert.doesNotMatch(email.html, /\r/);
});
