import { ROLE, type IamRoleId, type Language } from '../../shared/roles.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { hashSecret, newSecret } from '../../server/auth/secrets.ts';
import type { ManualClock } from '../../server/clock.ts';
import type { Db } from '../../server/db/connect.ts';
import { sql } from 'kysely';

const HOUR = 60 * 60 * 1000;
let sequence = 0;
/** Unique per process and run, so tests sharing a database never collide. */
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`;

export type MemberStatus = 'active' | 'not_activated' | 'invitation_expired';

export interface UserOptions {
  email?: string;
  name?: string | null;
  lang?: Language;
  password?: string | null;
  twoFa?: boolean;
  deleted?: boolean;
}

export interface MemberOptions extends UserOptions {
  role?: IamRoleId;
  status?: MemberStatus;
}

/** Rows written straight into the database, for arranging a test; the code under test reads them. */
export class Fixtures {
  /** One argon2 hash reused by every fixture user: hashing is slow on purpose. */
  static readonly PASSWORD = 'correct horse battery staple';
  private passwordHash?: Promise<string>;

  constructor(
    private readonly db: Db,
    private readonly clock: ManualClock,
  ) {}

  async account(name = `Account ${unique()}`): Promise<number> {
    const row = await this.db
      .insertInto('accounts')
      .values({ company_name: name })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async user(options: UserOptions = {}): Promise<{ id: number; email: string }> {
    const email = options.email ?? `user-${unique()}@example.test`;
    const password = options.password === undefined ? Fixtures.PASSWORD : options.password;
    let passwordHash: string | null = null;
    if (password === Fixtures.PASSWORD)
      passwordHash = await (this.passwordHash ??= hashPassword(Fixtures.PASSWORD));
    else if (password !== null) passwordHash = await hashPassword(password);
    const row = await this.db
      .insertInto('users')
      .values({
        email,
        name: options.name === undefined ? `Name ${unique()}` : options.name,
        lang: options.lang ?? 'en',
        password_hash: passwordHash,
        two_fa_secret: options.twoFa ? 'JBSWY3DPEHPK3PXP' : null,
        two_fa_enabled_at: options.twoFa ? this.clock.now() : null,
        deleted_at: options.deleted ? this.clock.now() : null,
      })
      .returning(['id', 'email'])
      .executeTakeFirstOrThrow();
    return row;
  }

  /** Add an existing user to an account with a role and a status. */
  async join(
    accountId: number,
    userId: number,
    role: IamRoleId = ROLE.users,
    status: MemberStatus = 'active',
  ) {
    const now = this.clock.now();
    const invitedAt = new Date(now.getTime() - (status === 'invitation_expired' ? 48 : 1) * HOUR);
    const expiresAt = new Date(invitedAt.getTime() + 24 * HOUR);
    const user = await this.db
      .selectFrom('users')
      .select(['name', 'lang'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('memberships')
      .values({
        // what the invitation said, as the BFF's invitations record it
        invited_name: user.name,
        invited_lang: user.lang,
        account_id: accountId,
        user_id: userId,
        role_id: role,
        invited_at: invitedAt,
        invitation_expires_at: status === 'active' ? null : expiresAt,
        accepted_at: status === 'active' ? invitedAt : null,
      })
      .execute();
    if (status !== 'active') {
      await this.db
        .insertInto('invitations')
        .values({
          account_id: accountId,
          user_id: userId,
          token_hash: hashSecret(newSecret()),
          new_user: true,
          created_at: invitedAt,
          expires_at: expiresAt,
        })
        .execute();
    }
  }

  /** A new user who is a member of the account. */
  async member(
    accountId: number,
    options: MemberOptions = {},
  ): Promise<{ id: number; email: string }> {
    const user = await this.user({
      ...options,
      password:
        options.password === undefined && options.status && options.status !== 'active'
          ? null
          : options.password,
    });
    await this.join(accountId, user.id, options.role ?? ROLE.users, options.status ?? 'active');
    return user;
  }

  /**
   * `count` plain members of the account at once (an email `<tag>-<i>@<tag>.test`, a name, English,
   * Purge and Prefetch, accepted), by two statements rather than a fixture per member: for a list
   * of several batches.
   */
  async members(accountId: number, count: number, tag: string): Promise<void> {
    await sql`
      insert into users (email, name, lang)
      select ${tag} || '-' || i || '@' || ${tag} || '.test', ${tag} || ' ' || i, 'en'
      from generate_series(1, ${count}) as i`.execute(this.db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select ${accountId}, u.id, ${ROLE.purgeApiWeb}, ${this.clock.now()} from users u
      where u.email like ${`%@${tag}.test`}`.execute(this.db);
  }

  /**
   * `count` accounts of `size` members each (`<tag> <n>`, members `<tag>-<i>@<tag>.test`), by three
   * statements: the many small tenants among which a plan test puts a big account.
   */
  async tenants(count: number, size: number, tag: string): Promise<void> {
    await sql`insert into accounts (company_name)
      select ${tag} || ' ' || i from generate_series(1, ${count}) i`.execute(this.db);
    await sql`
      insert into users (email, name, lang)
      select ${tag} || '-' || i || '@' || ${tag} || '.test', ${tag} || ' ' || i, 'en'
      from generate_series(1, ${count * size}) i`.execute(this.db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select a.id, u.id, ${ROLE.users}, ${this.clock.now()}
      from (select id, row_number() over (order by id) - 1 as n from accounts
            where company_name like ${`${tag} %`}) a
      join (select id, row_number() over (order by id) - 1 as n from users
            where email like ${`%@${tag}.test`}) u on u.n / ${size} = a.n`.execute(this.db);
  }

  async project(accountId: number, name = `Project ${unique()}`): Promise<number> {
    const row = await this.db
      .insertInto('projects')
      .values({ account_id: accountId, name })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async cloudRole(
    accountId: number,
    userId: number,
    projectId: number | null,
    role: string,
  ): Promise<void> {
    await this.db
      .insertInto('cloud_role_assignments')
      .values({ account_id: accountId, user_id: userId, project_id: projectId, role })
      .execute();
  }
}
