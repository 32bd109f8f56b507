import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as checks from './form-checks.ts';
import {
  acceptInvitationBody,
  cloudAccessInput,
  INVITE_BATCH_MAX,
  inviteRow,
  inviteUserBody,
} from './invitations.ts';
import { MAX_GRACE_PERIOD_DAYS, securitySettingsBody } from './security.ts';
import { createTokenBody } from './tokens.ts';
import { ipAddress, twoFaCodeBody } from './two-fa.ts';
import { changeEmailBody, changePasswordBody, clientUserRole, updateUserBody } from './users.ts';

/**
 * The widget's form checks (shared/form-checks.ts) against the shared zod schemas the BFF
 * validates with: on every input below both must agree on success, on the data (trimmed,
 * lower-cased, defaults) and on each issue's path and message, in order. A rule or a message
 * changed on one side only fails here (decision 024).
 */

interface SafeParser {
  safeParse(input: unknown): {
    success: boolean;
    data?: unknown;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
}

function zodAnswer(schema: SafeParser, input: unknown) {
  const result = schema.safeParse(input);
  return result.success
    ? { success: true, data: result.data }
    : {
        success: false,
        issues: result.error!.issues.map((i) => ({ path: i.path, message: i.message })),
      };
}

function ownAnswer(check: (input: never) => checks.Checked<unknown>, input: unknown) {
  const result = check(input as never);
  return result.success
    ? { success: true, data: result.data }
    : { success: false, issues: result.error.issues };
}

const long = (n: number, c = 'a') => c.repeat(n);
const ROLE = { id: 2, name: 'Users' };

/** Each schema, its check and the inputs a form can send it: good ones and bad ones. */
const CASES: [string, SafeParser, (input: never) => checks.Checked<unknown>, unknown[]][] = [
  [
    'changePasswordBody',
    changePasswordBody,
    checks.changePasswordBody,
    [
      { old: 'secret', new: 'new-password', double: 'new-password' },
      { old: '', new: '', double: '' },
      { old: 'x', new: 'short', double: 'short' },
      { old: 'x', new: 'long-enough', double: 'long-enoug' },
      { old: '', new: 'short', double: 'other' },
      { old: long(1025), new: long(257), double: long(257) },
      { old: ' ', new: ' '.repeat(8), double: ' '.repeat(8) },
    ],
  ],
  [
    'updateUserBody',
    updateUserBody,
    checks.updateUserBody,
    [
      {},
      { name: '  Ada Lovelace  ' },
      { name: '' },
      { name: null },
      { name: long(256) },
      { name: ` ${long(255)} ` },
      { name: 'Ada\nSECURITY NOTICE' },
      { name: `${long(256)}\u2028` },
      { lang: 'de' },
      { lang: 'xx' },
      { phone: '' },
      { phone: '+49 (30) 123-45.67' },
      { phone: 'call me' },
      { phone: ` ${long(33, '1')} ` },
      { phone: long(33, 'x') },
      { phone: '  ' },
      { name: 'Ada', lang: 'ru', phone: '+1 555', email: 'ada@example.test' },
    ],
  ],
  [
    'changeEmailBody',
    changeEmailBody,
    checks.changeEmailBody,
    [
      { new_email: '  Ada@Example.TEST ', password: 'pw' },
      { new_email: 'not an email', password: 'pw' },
      { new_email: '', password: '' },
      { new_email: `${long(250)}@example.test`, password: 'pw' },
      { new_email: 'a..b@example.test', password: 'pw' },
      { new_email: 'ada@example', password: long(1025) },
      { new_email: "o'brien+tag@mail.example.co", password: 'pw' },
    ],
  ],
  [
    'acceptInvitationBody',
    acceptInvitationBody,
    checks.acceptInvitationBody,
    [
      {},
      { password: 'long-enough' },
      { password: 'short' },
      { password: '', name: 'Ada' },
      { password: long(257), name: long(256) },
      { password: 'long-enough', name: ' Ada\u0007 ' },
    ],
  ],
  [
    'twoFaCodeBody',
    twoFaCodeBody,
    checks.twoFaCodeBody,
    [{ code: '123456' }, { code: ' 123456 ' }, { code: '' }, { code: '12345' }, { code: 'abcdef' }],
  ],
  [
    'createTokenBody',
    createTokenBody,
    checks.createTokenBody,
    [
      { name: ' CI ', exp_date: null, client_user: { role: { id: 5 } } },
      {
        name: 'CI',
        description: '  deploys  ',
        exp_date: '2027-01-31T23:59:59.999Z',
        client_user: { role: { id: 1 } },
      },
      { name: '', description: long(1001), exp_date: 'soon', client_user: { role: { id: 7 } } },
      { name: '   ', exp_date: '2027-02-29T00:00:00Z', client_user: { role: { id: 2 } } },
      { name: long(256), exp_date: '2028-02-29T00:00:00+02:00', client_user: { role: ROLE } },
      { name: 'x', exp_date: '2027-01-31T00:00Z', client_user: { role: { id: Number.NaN } } },
      { name: 'x', description: null, exp_date: null, client_user: { role: { id: 3009 } } },
    ],
  ],
  [
    'clientUserRole',
    clientUserRole,
    checks.clientUserRole,
    [
      { user_role: ROLE },
      { user_role: { id: 3022, name: 'Purge and Prefetch only (API)' } },
      { user_role: { id: 4, name: 'Nobody' } },
      { user_role: { id: 1, name: long(256) } },
    ],
  ],
  [
    'cloudAccessInput',
    cloudAccessInput,
    checks.cloudAccessInput,
    [
      {},
      { client_role: 'ClientAdministrator', projects: [] },
      { client_role: null, projects: [{ project_id: 3, role: 'Observer' }] },
      {
        client_role: null,
        projects: [
          { project_id: 3, role: 'User' },
          { project_id: 3, role: 'Observer' },
        ],
      },
      { client_role: 'Owner', projects: [] },
      { client_role: null, projects: [{ project_id: 0, role: 'User' }] },
      {
        client_role: null,
        projects: [
          { project_id: 0, role: 'User' },
          { project_id: 0, role: 'User' },
        ],
      },
      { client_role: null, projects: [{ project_id: 1.5, role: 'Boss' }] },
      { client_role: null, projects: [{ project_id: 2 ** 31, role: 'User' }] },
      { client_role: null, projects: [{ project_id: '12', role: 'User' }] },
      {
        client_role: null,
        projects: Array.from({ length: 101 }, (_, i) => ({ project_id: i + 1, role: 'User' })),
      },
      {
        client_role: null,
        projects: Array.from({ length: 101 }, () => ({ project_id: 1, role: 'User' })),
      },
      {
        client_role: 'Owner',
        projects: [
          { project_id: 1, role: 'User' },
          { project_id: 1, role: 'User' },
        ],
      },
    ],
  ],
  [
    'inviteUserBody',
    inviteUserBody,
    checks.inviteUserBody,
    [
      { client_id: 1, email: ' New@Example.TEST ', user_role: ROLE },
      {
        client_id: 1,
        email: 'new@example.test',
        user_role: { id: 1, name: 'Administrators' },
        name: ' Ada ',
        lang: 'zh',
        cloud: { client_role: null, projects: [{ project_id: 4, role: 'ProjectAdministrator' }] },
      },
      { client_id: 0, email: '', user_role: { id: 9, name: 'x' }, name: long(256), lang: 'xx' },
      {
        client_id: 1,
        email: 'bad@',
        user_role: ROLE,
        cloud: {
          client_role: null,
          projects: [
            { project_id: 4, role: 'User' },
            { project_id: 4, role: 'User' },
          ],
        },
      },
      {
        client_id: 1,
        email: 'ok@example.test',
        user_role: ROLE,
        name: 'Line\rbreak',
        cloud: { client_role: 'Owner', projects: [{ project_id: -1, role: 'User' }] },
      },
      { client_id: 1, email: 'ok@example.test', user_role: ROLE, lang: 'az', cloud: {} },
    ],
  ],
  [
    'inviteRow',
    inviteRow,
    checks.inviteRow,
    [
      { email: ' Row@Example.TEST ', user_role: ROLE, lang: 'de' },
      { email: 'row@example.test', user_role: { id: 0 }, lang: 'de' },
      { email: 'row@example.test', user_role: ROLE, name: ' Ada ' },
      { email: 'not-an-email', user_role: { id: 9 }, name: long(256), lang: 'xx' },
      {
        email: 'row@example.test',
        user_role: ROLE,
        lang: 'en',
        cloud: { client_role: 'ClientAdministrator', projects: [] },
      },
      {
        email: '',
        user_role: ROLE,
        cloud: { client_role: null, projects: [{ project_id: 0, role: 'Boss' }] },
      },
    ],
  ],
  [
    'securitySettingsBody',
    securitySettingsBody,
    checks.securitySettingsBody,
    [
      { require_2fa: true },
      { require_2fa: true, grace_period_days: 0 },
      { require_2fa: false, grace_period_days: 30 },
      { require_2fa: true, grace_period_days: 31 },
      { require_2fa: true, grace_period_days: -1 },
      { require_2fa: true, grace_period_days: 1.5 },
      { require_2fa: true, grace_period_days: -1.5 },
      { require_2fa: true, grace_period_days: Number.NaN },
      { require_2fa: true, grace_period_days: 1e21 },
      { require_2fa: true, grace_period_days: -1e21 },
    ],
  ],
  [
    'ipAddress',
    ipAddress,
    checks.ipAddress,
    [
      '192.0.2.1',
      '0.0.0.0',
      '255.255.255.255',
      '256.0.0.1',
      '192.0.2',
      '192.0.2.01',
      '::1',
      '2001:db8::8a2e:370:7334',
      '::ffff:192.0.2.1',
      'fe80::1%eth0',
      '2001:db8:::1',
      '::1\n',
      '::@1\\',
      'localhost',
      '',
      ' 192.0.2.1',
      '1:2:3:4:5:6:7:8:9',
    ],
  ],
];

describe("the widget's form checks agree with the shared zod schemas", () => {
  for (const [name, schema, check, inputs] of CASES) {
    it(`${name}: ${inputs.length} inputs`, () => {
      let good = 0;
      for (const input of inputs) {
        const expected = zodAnswer(schema, input);
        assert.deepEqual(ownAnswer(check, input), expected, JSON.stringify(input).slice(0, 200));
        if (expected.success) good++;
      }
      // Each list has inputs of both kinds.
      assert.ok(good > 0 && good < inputs.length, `${name}: ${good} of ${inputs.length} pass`);
    });
  }

  it('share their bounds with the schemas', () => {
    // The schemas import these from form-checks.ts; a copy of either elsewhere would drift.
    assert.equal(INVITE_BATCH_MAX, checks.INVITE_BATCH_MAX);
    assert.equal(MAX_GRACE_PERIOD_DAYS, checks.MAX_GRACE_PERIOD_DAYS);
  });
});
