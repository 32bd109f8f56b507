import { sql } from 'kysely';
import { IAM_ROLES, iamRole, ROLE, type IamRoleId } from '../../shared/roles.ts';
import { recordAudit } from '../audit.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { AppError, notFound } from '../errors.ts';
import type { Caller } from '../http/env.ts';

/** A member's IAM role in an account, and the rules that guard changing it. */

export const LAST_ADMINISTRATOR_MESSAGE =
  'The last Administrator of an account can be neither demoted nor removed.';
export const TOKEN_ROLE_CONFLICT_MESSAGE =
  'The specified user has issued a token with a higher role. Try using another role.';

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
 * Refuse when `userId` is the account's only active Administrator. Locks every Administrator
 * membership of the account (in id order, so two transactions never deadlock): of two
 * administrators demoting or removing each other at the same moment, the second waits, then
 * sees one Administrator left and is refused.
 */
export async function assertNotLastAdministrator(trx: Db, accountId: number, userId: number) {
  const administrators = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('account_id', '=', accountId)
    .where('role_id', '=', ROLE.administrators)
    .where('accepted_at', 'is not', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  const others = administrators.filter((row) => row.user_id !== userId);
  if (others.length === 0) throw new AppError('last_administrator', LAST_ADMINISTRATOR_MESSAGE);
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
    const member = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.id', 'm.role_id', 'm.accepted_at'])
      .where('m.account_id', '=', caller.accountId)
      .where('m.user_id', '=', target.userId)
      .where('u.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!member) throw notFound();
    if (member.role_id === roleId) return;
    if (member.role_id === ROLE.administrators && member.accepted_at) {
      await assertNotLastAdministrator(trx, caller.accountId, target.userId);
    }
    // A token can never act above its issuer: lowering the issuer below it is refused.
    const higherToken = await trx
      .selectFrom('api_tokens')
      .select('id')
      .where('account_id', '=', caller.accountId)
      .where('user_id', '=', target.userId)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where(sql<boolean>`${ROLE_RANK_SQL} > ${iamRole(roleId).rank}`)
      .limit(1)
      .executeTakeFirst();
    if (higherToken) throw new AppError('token_role_conflict', TOKEN_ROLE_CONFLICT_MESSAGE);

    await trx
      .updateTable('memberships')
      .set({ role_id: roleId, updated_at: now })
      .where('id', '=', member.id)
      .execute();
    await recordAudit(trx, {
      accountId: caller.accountId,
      actorUserId: caller.userId,
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
