import { sql, type Transaction } from 'kysely';
import { IAM_ROLES, iamRole, ROLE, type IamRoleId } from '../../shared/roles.ts';
import { auditBy } from '../audit.ts';
import { authorizeInTransaction } from '../auth/middleware.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { AppError, invalidToken, notFound } from '../errors.ts';
import type { Caller } from '../http/env.ts';

/** A member's IAM role in an account, and the rules that guard changing it. */

export const LAST_ADMINISTRATOR_MESSAGE =
  'The last Administrator of an account can be neither demoted nor removed.';
const ACTIVE_TOKENS_MESSAGE = "You can't remove the user as they have active tokens.";
export const REMOVE_SELF_MESSAGE = "You can't remove yourself from the account.";
export const TOKEN_ROLE_CONFLICT_MESSAGE =
  'The specified user has issued a token with a higher role. Try using another role.';

/** The tokens a member issued in an account that still work: neither deleted nor expired. */
function liveTokensOf(db: Db, accountId: number, userId: number, now: Date) {
  return db
    .selectFrom('api_tokens')
    .select('id')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
}

export async function memberRole(db: Db, accountId: number, userId: number): Promise<IamRoleId> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.role_id')
    .where('m.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row.role_id as IamRoleId;
}

/**
 * Lock every active Administrator membership of the account, in id order. Every path that can
 * take an Administrator away (demotion, removal) takes these locks first, so of two administrators
 * demoting or removing each other at the same moment the second waits, then sees one left.
 */
async function lockAdministrators(trx: Db, accountId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('account_id', '=', accountId)
    .where('role_id', '=', ROLE.administrators)
    .where('accepted_at', 'is not', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.user_id);
}

/**
 * Lock a person's own row, before any of their memberships (decision 037). Whether a removal
 * leaves them in no account, and so deletes them, is decided under this lock, and what gives them
 * a membership meanwhile takes it too or waits for it: an invitation (it locks the invitee's row),
 * an account they create (server/clients/routes.ts), another removal. An acceptance and a resend
 * take it first as well, so that link, membership and person are locked in one order. Before the
 * memberships, because a change of their own row (name, language, 2FA) locks it and then their
 * memberships (migration 0007's trigger copies those onto them): the other order could deadlock.
 * `for no key update`, the lock an update of the row takes: it does not stop a row that merely
 * refers to the person (an audit entry, a token, a session) from being written meanwhile, which
 * `for update` would, and with it deadlock whoever holds their membership and writes one.
 */
export async function lockPerson(trx: Transaction<Database>, userId: number) {
  return trx
    .selectFrom('users')
    .select('deleted_at')
    .where('id', '=', userId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/**
 * `lockPerson` for the caller themself: deleted meanwhile (removed from their last account), they
 * are refused as their next request would be, their token no longer valid.
 */
export async function lockCaller(trx: Transaction<Database>, userId: number): Promise<void> {
  const person = await lockPerson(trx, userId);
  if (!person || person.deleted_at) throw invalidToken();
}

/**
 * Nothing of a login: what a deleted person loses, and what a deleted person invited again starts
 * without (server/invitations/service.ts). A second factor left behind would be "on" without a
 * secret.
 */
export const NO_LOGIN = {
  password_hash: null,
  two_fa_secret: null,
  two_fa_enabled_at: null,
  two_fa_last_step: null,
} as const;

/**
 * A person left in no account, under their lock: kept for the token history (name and email),
 * never able to sign in again, every token of theirs refused (`credentials_version`).
 */
export async function markDeleted(trx: Transaction<Database>, userId: number, now: Date) {
  await trx
    .updateTable('users')
    .set({
      deleted_at: now,
      ...NO_LOGIN,
      credentials_version: sql<number>`credentials_version + 1`,
      updated_at: now,
    })
    .where('id', '=', userId)
    .execute();
  await trx.deleteFrom('two_fa_backup_codes').where('user_id', '=', userId).execute();
}

/** Refuse when `userId` is the only one of the (locked) Administrators. */
function assertNotLastAdministrator(administrators: number[], userId: number): void {
  if (administrators.every((id) => id === userId)) {
    throw new AppError('last_administrator', LAST_ADMINISTRATOR_MESSAGE);
  }
}

export async function changeRole(
  db: Db,
  clock: Clock,
  caller: Caller,
  target: { clientId: number; userId: number },
  roleId: IamRoleId,
  requestId: string,
): Promise<void> {
  if (target.clientId !== caller.accountId) throw notFound();
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // Locks in one order everywhere (the person's row where it is taken, the Administrators, then
    // the member, then the account's row) so that role changes, removals, token creations and the
    // security settings never deadlock one another.
    const administrators = await lockAdministrators(trx, caller.accountId);
    await authorizeInTransaction(trx, caller, 'users.change_role', { userId: target.userId });
    const member = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.id', 'm.role_id', 'm.accepted_at'])
      .where('m.account_id', '=', caller.accountId)
      .where('m.user_id', '=', target.userId)
      .where('u.deleted_at', 'is', null)
      .forUpdate('m')
      .executeTakeFirst();
    if (!member) throw notFound();
    if (member.role_id === roleId) return;
    if (member.role_id === ROLE.administrators && member.accepted_at) {
      assertNotLastAdministrator(administrators, target.userId);
    }
    // A token can never act above its issuer: lowering the issuer below it is refused.
    const higherToken = await liveTokensOf(trx, caller.accountId, target.userId, now)
      .where(sql<boolean>`${ROLE_RANK_SQL} > ${iamRole(roleId).rank}`)
      .limit(1)
      .executeTakeFirst();
    if (higherToken) throw new AppError('token_role_conflict', TOKEN_ROLE_CONFLICT_MESSAGE);

    await trx
      .updateTable('memberships')
      .set({ role_id: roleId, updated_at: now })
      .where('id', '=', member.id)
      .execute();
    await auditBy(trx, caller, {
      action: 'user.role_changed',
      targetType: 'user',
      targetId: target.userId,
      requestId,
      details: { from: member.role_id, to: roleId },
      at: now,
    });
  });
}

/** The rank of a token's role, in SQL, from the one role catalog (Administrators highest). */
const ROLE_RANK_SQL = sql`case role_id ${sql.join(
  IAM_ROLES.map((role) => sql`when ${sql.lit(role.id)} then ${sql.lit(role.rank)}`),
  sql` `,
)} end`;

/**
 * Remove a member from the account (never from the others): with their Cloud roles and pending
 * invitation here (cascades). A user left in no account is marked deleted and kept for the token
 * history. Refused while they hold a live token here, and for the last Administrator. The
 * membership row is locked before the tokens are read, so a token being created for them at the
 * same moment either commits before (and this refuses) or finds no membership (and fails).
 */
export async function removeMember(
  db: Db,
  clock: Clock,
  caller: Caller,
  target: { clientId: number; userId: number },
  requestId: string,
): Promise<{ user_deleted: boolean }> {
  if (target.clientId !== caller.accountId) throw notFound();
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    await lockPerson(trx, target.userId);
    const administrators = await lockAdministrators(trx, caller.accountId);
    await authorizeInTransaction(trx, caller, 'users.delete', { userId: target.userId });
    const member = await trx
      .selectFrom('memberships')
      .select(['id', 'role_id', 'accepted_at'])
      .where('account_id', '=', caller.accountId)
      .where('user_id', '=', target.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!member) throw notFound();
    if (member.role_id === ROLE.administrators && member.accepted_at) {
      assertNotLastAdministrator(administrators, target.userId);
    }
    const liveToken = await liveTokensOf(trx, caller.accountId, target.userId, now)
      .limit(1)
      .executeTakeFirst();
    if (liveToken) throw new AppError('user_has_active_tokens', ACTIVE_TOKENS_MESSAGE);

    // The account's token history keeps the issuer as the account knew them: what happens to
    // the person later, elsewhere (a new invitation, their own changes), does not rewrite it.
    await trx
      .updateTable('api_tokens')
      .set((eb) => ({
        issuer_name: eb.selectFrom('users').select('name').where('id', '=', target.userId),
        issuer_email: eb.selectFrom('users').select('email').where('id', '=', target.userId),
      }))
      .where('account_id', '=', caller.accountId)
      .where('user_id', '=', target.userId)
      .execute();
    await trx.deleteFrom('memberships').where('id', '=', member.id).execute();
    const elsewhere = await trx
      .selectFrom('memberships')
      .select('id')
      .where('user_id', '=', target.userId)
      .limit(1)
      .executeTakeFirst();
    const userDeleted = !elsewhere;
    if (userDeleted) await markDeleted(trx, target.userId, now);
    await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('user_id', '=', target.userId)
      .where('account_id', '=', caller.accountId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    await auditBy(trx, caller, {
      action: 'user.removed',
      targetType: 'user',
      targetId: target.userId,
      requestId,
      details: { user_deleted: userDeleted },
      at: now,
    });
    return { user_deleted: userDeleted };
  });
}
