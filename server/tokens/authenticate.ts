import { sql } from 'kysely';
import { iamRole, type IamRoleId, type Language } from '../../shared/roles.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { invalidToken } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { parseToken, secretMatches } from './secrets.ts';

/** `last_usage` is written at most this often per token, not on every request. */
const LAST_USAGE_RESOLUTION_MS = 60_000;

/**
 * The caller behind `Authorization: APIKey <id>_<secret>`: the token's issuer, with the lower of
 * the token's role and the issuer's current role in the account. A deleted or expired token, or
 * one whose issuer was deleted or left the account, is refused on the very next request.
 */
export async function callerFromApiToken(db: Db, clock: Clock, token: string): Promise<Caller> {
  const parsed = parseToken(token);
  if (!parsed) throw invalidToken();
  const now = clock.now();
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.account_id', '=', 't.account_id').onRef('m.user_id', '=', 't.user_id'),
    )
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.secret_hash',
      't.role_id as token_role',
      't.account_id',
      't.last_used_at',
      'm.role_id as member_role',
      'u.id as user_id',
      'u.email',
      'u.lang',
    ])
    .where('t.id', '=', parsed.id)
    .where('t.deleted_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
    .where('m.accepted_at', 'is not', null)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  // The id is not secret; how much of the secret was right must not leak (constant-time compare).
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) throw invalidToken();

  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USAGE_RESOLUTION_MS) {
    await sql`update api_tokens set last_used_at = ${now}
      where id = ${row.id} and (last_used_at is null or last_used_at < ${new Date(now.getTime() - LAST_USAGE_RESOLUTION_MS)})`.execute(
      db,
    );
  }
  const tokenRole = iamRole(row.token_role as IamRoleId);
  const memberRole = iamRole(row.member_role as IamRoleId);
  return {
    userId: row.user_id,
    accountId: row.account_id,
    roleId: (tokenRole.rank <= memberRole.rank ? tokenRole : memberRole).id,
    email: row.email,
    lang: row.lang as Language,
    via: 'api_token',
    tokenId: row.id,
  };
}
