import { IAM_ROLES, ROLE, type IamRoleId, type Language } from '../../shared/roles.ts';
import { hashPassword } from '../auth/passwords.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import { newTotpSecret } from '../auth/totp.ts';
import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';

/**
 * The demo: two accounts with projects, about 30 users in every role, language and status (some
 * with 2FA on), and one person who belongs to both accounts; and a third account, Initech, that
 * requires two-factor authentication, with members still in its grace period. Runs only on an
 * empty database.
 */

const DEMO_ACCOUNTS = { acme: 'Acme Cloud', globex: 'Globex', initech: 'Initech' } as const;
/** Initech requires 2FA (docs/decisions/026): its members without it have this many days left. */
export const DEMO_GRACE_PERIOD_DAYS = 14;
/** Password of every seeded member but the administrator (whose password is a setting). */
export const DEMO_MEMBER_PASSWORD = 'demo-member-password';
/** The person in both accounts: Engineer at Acme, Administrator at Globex. */
const DEMO_SHARED_USER_EMAIL = 'sam.shared@example.test';

const HOUR = 60 * 60 * 1000;
/** The advisory lock that seeding holds (any constant of our own; 'demo' in ASCII). */
const SEED_LOCK = 0x64656d6f;

type Status = 'active' | 'not_activated' | 'invitation_expired';

interface DemoMember {
  name: string;
  email: string;
  role: IamRoleId;
  lang: Language;
  status: Status;
  twoFa?: boolean;
}

const FIRST_NAMES = [
  'Alice',
  'Bruno',
  'Chen',
  'Dana',
  'Erik',
  'Fatima',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Katya',
  'Liam',
  'Mei',
  'Nikolai',
  'Olga',
  'Pedro',
  'Qing',
  'Rosa',
  'Stefan',
  'Tanya',
  'Umar',
  'Vera',
  'Wen',
  'Xavier',
  'Yulia',
  'Zoe',
  'Anton',
  'Birgit',
];
const LANGS: Language[] = ['en', 'de', 'zh', 'ru'];
const STATUSES: Status[] = ['active', 'active', 'active', 'not_activated', 'invitation_expired'];

function acmeMembers(): DemoMember[] {
  return FIRST_NAMES.map((first, index) => {
    const status = STATUSES[index % STATUSES.length];
    return {
      name: `${first} ${['Keller', 'Novak', 'Li', 'Ivanova', 'Schmidt', 'Garcia', 'Wang'][index % 7]}`,
      email: `${first.toLowerCase()}@acme.test`,
      role: IAM_ROLES[(index + 1) % IAM_ROLES.length].id,
      lang: LANGS[index % LANGS.length],
      status,
      twoFa: status === 'active' && index % 3 === 2,
    };
  });
}

export async function seedDemo(
  db: Db,
  clock: Clock,
  admin: { email: string; password: string },
): Promise<boolean> {
  const existing = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (existing) return false;

  const now = clock.now();
  const [adminHash, memberHash] = await Promise.all([
    hashPassword(admin.password),
    hashPassword(DEMO_MEMBER_PASSWORD),
  ]);

  return db.transaction().execute(async (trx) => {
    // Replicas starting together on an empty database all get here: the lock lets one seed, and
    // the others, once it is released, see its accounts and do nothing.
    await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    const seeded = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (seeded) return false;

    const createAccount = async (name: string, projects: string[]) => {
      const account = await trx
        .insertInto('accounts')
        .values({ company_name: name })
        .returning('id')
        .executeTakeFirstOrThrow();
      const projectRows = await trx
        .insertInto('projects')
        .values(projects.map((project) => ({ account_id: account.id, name: project })))
        .returning(['id', 'name'])
        .execute();
      return { id: account.id, projects: projectRows };
    };
    const acme = await createAccount(DEMO_ACCOUNTS.acme, ['Production', 'Staging', 'Analytics']);
    const globex = await createAccount(DEMO_ACCOUNTS.globex, ['Web shop', 'Data lake']);

    const createUser = async (
      member: Omit<DemoMember, 'role' | 'status'> & { active: boolean },
      hash: string,
    ) =>
      (
        await trx
          .insertInto('users')
          .values({
            email: member.email,
            name: member.name,
            lang: member.lang,
            // a pending invitee has no password until they accept
            password_hash: member.active ? hash : null,
            two_fa_secret: member.twoFa ? newTotpSecret() : null,
            two_fa_enabled_at: member.twoFa ? now : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    const join = async (
      accountId: number,
      userId: number,
      role: IamRoleId,
      status: Status,
      invitedBy: number | null,
    ) => {
      const hoursAgo = status === 'active' ? 720 : status === 'invitation_expired' ? 72 : 2;
      const invitedAt = new Date(now.getTime() - hoursAgo * HOUR);
      const expiresAt = new Date(invitedAt.getTime() + 24 * HOUR);
      const user = await trx
        .selectFrom('users')
        .select(['name', 'lang'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('memberships')
        .values({
          invited_name: user.name,
          invited_lang: user.lang,
          account_id: accountId,
          user_id: userId,
          role_id: role,
          invited_by: invitedBy,
          invited_at: invitedAt,
          invitation_expires_at: status === 'active' ? null : expiresAt,
          accepted_at: status === 'active' ? invitedAt : null,
        })
        .execute();
      if (status !== 'active') {
        await trx
          .insertInto('invitations')
          .values({
            account_id: accountId,
            user_id: userId,
            token_hash: hashSecret(newSecret()), // the demo's links were "sent" before it started
            invited_by: invitedBy,
            new_user: true,
            created_at: invitedAt,
            expires_at: expiresAt,
          })
          .execute();
      }
    };

    const assignCloud = async (
      accountId: number,
      userId: number,
      projectId: number | null,
      role: string,
    ) => {
      await trx
        .insertInto('cloud_role_assignments')
        .values({ account_id: accountId, user_id: userId, project_id: projectId, role })
        .execute();
    };

    const adminId = await createUser(
      { name: 'Ada Admin', email: admin.email, lang: 'en', active: true },
      adminHash,
    );
    await join(acme.id, adminId, ROLE.administrators, 'active', null);
    await assignCloud(acme.id, adminId, null, 'ClientAdministrator');

    const projectRoles = ['ProjectAdministrator', 'User', 'InternalNetworkOnlyUser', 'Observer'];
    for (const [index, member] of acmeMembers().entries()) {
      const userId = await createUser(
        { ...member, active: member.status === 'active' },
        memberHash,
      );
      // Seeded history was sent before the demo began (no inviter): it does not use up the
      // administrator's daily invitation limit.
      await join(acme.id, userId, member.role, member.status, null);
      if (member.role === ROLE.administrators) {
        await assignCloud(acme.id, userId, null, 'ClientAdministrator');
      } else if (index % 2 === 0) {
        const project = acme.projects[index % acme.projects.length];
        await assignCloud(acme.id, userId, project.id, projectRoles[index % projectRoles.length]);
      }
    }

    const sharedId = await createUser(
      { name: 'Sam Shared', email: DEMO_SHARED_USER_EMAIL, lang: 'de', active: true },
      memberHash,
    );
    await join(acme.id, sharedId, ROLE.engineers, 'active', null);
    await join(globex.id, sharedId, ROLE.administrators, 'active', null);
    await assignCloud(globex.id, sharedId, null, 'ClientAdministrator');

    for (const [index, first] of ['Gus', 'Hana', 'Ivo', 'Jia'].entries()) {
      const userId = await createUser(
        {
          name: `${first} Globex`,
          email: `${first.toLowerCase()}@globex.test`,
          lang: LANGS[index],
          active: index < 3,
        },
        memberHash,
      );
      await join(
        globex.id,
        userId,
        IAM_ROLES[index + 1].id,
        index < 3 ? 'active' : 'not_activated',
        sharedId,
      );
    }

    // Initech requires 2FA since now: Iris (its Administrator) and Peter have not set it up and
    // are in the grace period, Samir has; Joanna has not joined yet.
    const initech = await createAccount(DEMO_ACCOUNTS.initech, ['Reports']);
    await trx
      .updateTable('accounts')
      .set({ require_2fa_since: now, two_fa_grace_days: DEMO_GRACE_PERIOD_DAYS })
      .where('id', '=', initech.id)
      .execute();
    const initechMembers = [
      ['Iris Initech', 'iris', ROLE.administrators, 'active', false],
      ['Peter Initech', 'peter', ROLE.users, 'active', false],
      ['Samir Initech', 'samir', ROLE.engineers, 'active', true],
      ['Joanna Initech', 'joanna', ROLE.users, 'not_activated', false],
    ] as const;
    for (const [name, first, role, status, twoFa] of initechMembers) {
      const userId = await createUser(
        { name, email: `${first}@initech.test`, lang: 'en', active: status === 'active', twoFa },
        memberHash,
      );
      await join(initech.id, userId, role, status, null);
    }

    // API tokens: live, expired, and one of a person since deleted (shown crossed out). Their
    // secrets were never shown to anyone: create your own in the API tokens panel.
    const token = (
      userId: number,
      name: string,
      roleId: IamRoleId,
      extra: { expiresInDays?: number; deleted?: boolean } = {},
    ) =>
      trx
        .insertInto('api_tokens')
        .values({
          account_id: acme.id,
          user_id: userId,
          name,
          description: `Demo token: ${name}`,
          role_id: roleId,
          secret_hash: hashSecret(newSecret()),
          expires_at:
            extra.expiresInDays === undefined
              ? null
              : new Date(now.getTime() + extra.expiresInDays * 24 * HOUR),
          created_at: new Date(now.getTime() - 10 * 24 * HOUR),
          deleted_at: extra.deleted ? new Date(now.getTime() - 2 * 24 * HOUR) : null,
        })
        .execute();
    await token(adminId, 'Deploy pipeline', ROLE.administrators);
    await token(adminId, 'Old CI', ROLE.engineers, { expiresInDays: -1 });
    await token(sharedId, 'Monitoring', ROLE.engineers, { expiresInDays: 30 });
    const departed = await createUser(
      { name: 'Dora Departed', email: 'dora.departed@acme.test', lang: 'en', active: true },
      memberHash,
    );
    await trx
      .updateTable('users')
      .set({ deleted_at: new Date(now.getTime() - 24 * HOUR), password_hash: null })
      .where('id', '=', departed)
      .execute();
    await token(departed, 'Legacy sync', ROLE.users, { deleted: true });
    return true;
  });
}
