import { sql } from 'kysely';
import type { z } from 'zod';
import { iamRole, type IamRoleId } from '../../shared/roles.ts';
import {
  MAX_TOKENS_PER_ACCOUNT,
  MAX_TOKENS_PER_MEMBER,
  type Token,
  type createTokenBody,
  type tokensQuery,
} from '../../shared/tokens.ts';
import { auditBy } from '../audit.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { AppError, notFound } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { can } from '../../shared/permissions.ts';
import { newTokenSecret } from './secrets.ts';

/** API tokens: created with a role no higher than the issuer's, listed, deleted. */

export interface TokenDeps {
  db: Db;
  clock: Clock;
}

/** Administrators see and delete every token of the account; everyone else only their own. */
const seesAll = (caller: Caller) => can(caller, 'tokens.manage_all');

function tokensOf(db: Db, accountId: number) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('memberships as m', (join) =>
      join.onRef('m.account_id', '=', 't.account_id').onRef('m.user_id', '=', 't.user_id'),
    )
    .select([
      't.id',
      't.name',
      't.description',
      't.expires_at',
      't.deleted_at',
      't.created_at',
      't.last_used_at',
      't.role_id',
      't.account_id',
      't.user_id',
      // Once the issuer has left the account, the name and email it knew (decision 011).
      sql<string | null>`case when m.id is null and t.issuer_email is not null
        then t.issuer_name else u.name end`.as('user_name'),
      sql<string>`case when m.id is null then coalesce(t.issuer_email, u.email) else u.email end`.as(
        'user_email',
      ),
      'u.deleted_at as user_deleted_at',
      'm.accepted_at as member_since',
    ])
    .where('t.account_id', '=', accountId);
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof tokensOf>['executeTakeFirstOrThrow']>>;

function toToken(row: TokenRow, now: Date): Token {
  const role = iamRole(row.role_id as IamRoleId);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    exp_date: row.expires_at?.toISOString() ?? null,
    expired: row.expires_at !== null && row.expires_at <= now,
    deleted: row.deleted_at !== null,
    created: row.created_at.toISOString(),
    last_usage: row.last_used_at?.toISOString() ?? null,
    client_user: {
      user_id: row.user_id,
      user_name: row.user_name,
      user_email: row.user_email,
      client_id: row.account_id,
      role: { id: role.id, name: role.name },
      // Deleted, or no longer a member here: the widget crosses the name out.
      deleted: row.user_deleted_at !== null || row.member_since === null,
    },
  };
}

export async function listTokens(
  deps: TokenDeps,
  caller: Caller,
  query: z.output<typeof tokensQuery>,
) {
  let q = tokensOf(deps.db, caller.accountId);
  if (!seesAll(caller)) q = q.where('t.user_id', '=', caller.userId);
  q = query.deleted ? q.where('t.deleted_at', 'is not', null) : q.where('t.deleted_at', 'is', null);
  if (query.role !== undefined) q = q.where('t.role_id', '=', query.role);
  if (query.issued_by !== undefined) q = q.where('t.user_id', '=', query.issued_by);
  if (query.not_issued_by !== undefined) q = q.where('t.user_id', '!=', query.not_issued_by);
  const now = deps.clock.now();
  return (await q.orderBy('t.id', 'desc').limit(1000).execute()).map((row) => toToken(row, now));
}

export async function getToken(deps: TokenDeps, caller: Caller, tokenId: number): Promise<Token> {
  let q = tokensOf(deps.db, caller.accountId).where('t.id', '=', tokenId);
  if (!seesAll(caller)) q = q.where('t.user_id', '=', caller.userId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound();
  return toToken(row, deps.clock.now());
}

export async function createToken(
  deps: TokenDeps,
  caller: Caller,
  body: z.output<typeof createTokenBody>,
  requestId: string,
): Promise<Token & { token: string }> {
  const role = iamRole(body.client_user.role.id);
  const refuseRole = () => {
    const message = `Can't create token with role ${role.name}`;
    return new AppError('validation_failed', message, { client_user: { role: [message] } });
  };
  if (!can(caller, 'tokens.grant_role', { roleId: role.id })) throw refuseRole();
  const now = deps.clock.now();
  const expiresAt = body.exp_date === null ? null : new Date(body.exp_date);
  if (expiresAt && expiresAt <= now) {
    throw new AppError('validation_failed', 'Invalid input.', {
      exp_date: ['The expiration must be in the future.'],
    });
  }
  if (caller.via === 'api_token') await refuseOutliving(deps.db, caller, expiresAt);
  const { secret, hash } = newTokenSecret();
  const id = await deps.db.transaction().execute(async (trx) => {
    // Locking the issuer's membership serializes this with deleting that user from the account.
    const member = await trx
      .selectFrom('memberships')
      .select(['id', 'role_id'])
      .where('account_id', '=', caller.accountId)
      .where('user_id', '=', caller.userId)
      .where('accepted_at', 'is not', null)
      .forUpdate()
      .executeTakeFirst();
    if (!member) throw notFound();
    // The role again, under the lock: a demotion committed since this request began counts. The
    // lower of the two reads: a calling API token's own role caps it (decision 020).
    const memberRole = member.role_id as IamRoleId;
    const current = {
      ...caller,
      roleId: iamRole(memberRole).rank < iamRole(caller.roleId).rank ? memberRole : caller.roleId,
    };
    if (!can(current, 'tokens.grant_role', { roleId: role.id })) throw refuseRole();
    // The account row's lock serializes creations, so the limit holds under concurrency.
    await trx
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', caller.accountId)
      .forNoKeyUpdate()
      .execute();
    const live = await trx
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('account_id', '=', caller.accountId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(live.count) >= MAX_TOKENS_PER_ACCOUNT) {
      throw new AppError(
        'token_limit_reached',
        `An account can hold at most ${MAX_TOKENS_PER_ACCOUNT} tokens. Delete one to create another.`,
      );
    }
    // Under the same lock: the lowest roles must not be able to fill the account's quota.
    const own = await trx
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('account_id', '=', caller.accountId)
      .where('user_id', '=', caller.userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(own.count) >= MAX_TOKENS_PER_MEMBER) {
      throw new AppError(
        'token_limit_reached',
        `You can't have more than ${MAX_TOKENS_PER_MEMBER} active tokens in this account. Delete one to create another.`,
      );
    }
    const created = await trx
      .insertInto('api_tokens')
      .values({
        account_id: caller.accountId,
        user_id: caller.userId,
        name: body.name,
        description: body.description || null,
        role_id: role.id,
        secret_hash: hash,
        expires_at: expiresAt,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditBy(trx, caller, {
      action: 'token.created',
      targetType: 'token',
      targetId: created.id,
      requestId,
      details: { role_id: role.id, expires_at: expiresAt?.toISOString() ?? null },
      at: now,
    });
    return created.id;
  });
  const token = await getToken(deps, caller, id);
  return { ...token, token: `${id}_${secret}` };
}

/**
 * A token that creates a token may not make one that outlives it (decision 020): a permanent
 * token may create permanent ones, an expiring one only tokens that expire no later than itself.
 */
async function refuseOutliving(db: Db, caller: Caller, expiresAt: Date | null) {
  const calling = await db
    .selectFrom('api_tokens')
    .select('expires_at')
    .where('id', '=', caller.tokenId!)
    .executeTakeFirstOrThrow();
  if (calling.expires_at === null) return;
  if (expiresAt === null || expiresAt > calling.expires_at) {
    const limit = calling.expires_at.toISOString();
    throw new AppError('validation_failed', 'Invalid input.', {
      exp_date: [`A token can't outlive the token that creates it: choose ${limit} or earlier.`],
    });
  }
}

export async function deleteToken(
  deps: TokenDeps,
  caller: Caller,
  tokenId: number,
  requestId: string,
) {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('api_tokens')
      .select(['id', 'user_id'])
      .where('id', '=', tokenId)
      .where('account_id', '=', caller.accountId)
      .where('deleted_at', 'is', null);
    if (!seesAll(caller)) q = q.where('user_id', '=', caller.userId);
    const token = await q.forNoKeyUpdate().executeTakeFirst();
    if (!token) throw notFound();
    await trx
      .updateTable('api_tokens')
      .set({ deleted_at: now })
      .where('id', '=', tokenId)
      .execute();
    await auditBy(trx, caller, {
      action: 'token.deleted',
      targetType: 'token',
      targetId: tokenId,
      requestId,
      details: { issuer_id: token.user_id },
      at: now,
    });
  });
}
