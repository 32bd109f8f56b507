import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBff, type RunningBff } from '../../server/start.ts';
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
        ['/iam/clients/invite_user', inviteBody({ cloud: { client_role: null, admin: true } })],
        [
          '/iam/clients/invite_user',
          inviteBody({ cloud: { projects: [{ project_id: 1, role: 'User', all: true }] } }),
        ],
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

eachDatabase('headers and content types', (ctx) => {
  let accountId: number;
  let admin: { id: number; email: string };

  before(async () => {
    accountId = await ctx().fixtures.account('Headers Co');
    admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
  });

  it('marks every authenticated JSON answer, and every answer holding tokens, no-store', async () => {
    const token = await ctx().tokenFor(admin.id, accountId);
    for (const path of [
      '/iam/users',
      `/iam/users/${admin.id}`,
      '/iam/clients/me',
      '/iam/users/0',
    ]) {
      const response = await ctx().request(path, { token });
      assert.equal(response.headers.get('Cache-Control'), 'no-store', path);
    }
    const login = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: admin.email, password: Fixtures.PASSWORD },
    });
    assert.equal(login.status, 200);
    assert.equal(login.headers.get('Cache-Control'), 'no-store');
    // Public documents keep their own caching.
    const jwks = await ctx().request('/.well-known/jwks.json');
    assert.equal(jwks.headers.get('Cache-Control'), 'public, max-age=300');
  });

  it('refuses a body that is not JSON with 415, and changes nothing', async () => {
    const token = await ctx().tokenFor(admin.id, accountId);
    const before = await ctx()
      .db.selectFrom('users')
      .select('name')
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    const bodies: [string | undefined, string][] = [
      ['text/plain', JSON.stringify({ name: 'Plain' })],
      ['application/x-www-form-urlencoded', 'name=Form'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nForm\r\n--x--\r\n',
      ],
      [undefined, JSON.stringify({ name: 'Untyped' })],
    ];
    for (const [type, body] of bodies) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (type) headers['Content-Type'] = type;
      const response = await ctx().app.request(`/iam/users/${admin.id}`, {
        method: 'PATCH',
        headers,
        body: new TextEncoder().encode(body),
      });
      assert.equal(response.status, 415, String(type));
      assert.equal((await response.json()).code, 'unsupported_media_type');
      const login = await ctx().app.request('/iam/auth/jwt/login', {
        method: 'POST',
        headers: type ? { 'Content-Type': type } : {},
        body: new TextEncoder().encode(`username=${admin.email}&password=x`),
      });
      assert.equal(login.status, 415, `login ${type}`);
    }
    assert.deepEqual(
      await ctx()
        .db.selectFrom('users')
        .select('name')
        .where('id', '=', admin.id)
        .executeTakeFirstOrThrow(),
      before,
    );
    // JSON with a charset, and a request with no body at all, are fine.
    const typed = await ctx().request(`/iam/users/${admin.id}`, {
      method: 'PATCH',
      token,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'Typed' }),
    });
    assert.equal(typed.status, 200);
    const resend = await ctx().request(
      `/iam/clients/${accountId}/client-users/${admin.id}/resend_invite`,
      {
        method: 'POST',
        token,
      },
    );
    assert.notEqual(resend.status, 415);
  });
});

describe('the HTML pages the BFF serves', () => {
  let bff: RunningBff;
  let pages: string;

  before(async () => {
    pages = await mkdtemp(join(tmpdir(), 'um-pages-'));
    await writeFile(join(pages, 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(join(pages, 'mailbox.html'), '<!doctype html><title>mailbox</title>');
    bff = await startBff(
      { PORT: '0', DATA_DIR: 'memory://', DEMO_SEED: 'false', LOG_LEVEL: 'silent' },
      undefined,
      pages,
    );
  });
  after(async () => {
    await bff.close();
    await rm(pages, { recursive: true });
  });

  it('sends a strict Content-Security-Policy that forbids framing', async () => {
    for (const path of ['/', '/index.html', '/mailbox.html']) {
      const response = await fetch(`${bff.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('Content-Type') ?? '', /^text\/html/);
      const policy = response.headers.get('Content-Security-Policy') ?? '';
      const directives = Object.fromEntries(
        policy.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')];
        }),
      );
      assert.equal(directives['default-src'], "'self'", policy);
      assert.equal(directives['script-src'], "'self'", policy);
      assert.equal(directives['frame-ancestors'], "'none'", policy);
      assert.equal(directives['object-src'], "'none'", policy);
      assert.equal(directives['base-uri'], "'none'", policy);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    }
  });
});
