import { sql } from 'kysely';
import { iamRole, type IamRoleId, type Language } from '../../shared/roles.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';
import { invalidToken } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { hashSecret } from '../auth/secrets.ts';
import { parseToken, secretMatches } from './secrets.ts';

/** `last_usage` is written at most this often per token, not on every request. */
const LAST_USAGE_RESOLUTION_MS = 60_000;

/**
 * The caller behind `Authorization: APIKey <id>_<secret>`: the token's issuer, with the lower of
 * the token's role and the issuer's current role in the account. A deleted or expired token, or
 * one whose issuer was deleted or left the account, is refused on the very next request.
 */
interface TokenCallerRow {
  id: number;
  secret_hash: Uint8Array;
  token_role: number;
  account_id: number;
  member_role: number;
  user_id: number;
  email: string;
  lang: string;
  member_count: number;
}

export async function callerFromApiToken(db: Db, clock: Clock, token: string): Promise<Caller> {
  const parsed = parseToken(token);
  if (!parsed) throw invalidToken();
  const now = clock.now();
  // One statement, one round trip: the token with its issuer's membership, and `last_usage`
  // written (at most once a resolution) only when the secret's hash is the stored one. The
  // decision itself is the constant-time comparison below.
  const { rows } = await sql<TokenCallerRow>`
    with found as (
      select t.id, t.secret_hash, t.role_id as token_role, t.account_id,
             m.role_id as member_role, u.id as user_id, u.email, u.lang, a.member_count
      from api_tokens t
      join memberships m on m.account_id = t.account_id and m.user_id = t.user_id
      join users u on u.id = t.user_id
      join accounts a on a.id = t.account_id
      where t.id = ${parsed.id} and t.deleted_at is null
        and (t.expires_at is null or t.expires_at > ${now})
        and m.accepted_at is not null and u.deleted_at is null),
    touched as (
      update api_tokens set last_used_at = ${now}
      where id = (select id from found) and secret_hash = ${hashSecret(parsed.secret)}
        and (last_used_at is null or last_used_at < ${new Date(now.getTime() - LAST_USAGE_RESOLUTION_MS)})
      returning id)
    select * from found`.execute(db);
  const row = rows[0];
  // The id is not secret; how much of the secret was right must not leak (constant-time compare).
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) throw invalidToken();

  const tokenRole = iamRole(row.token_role as IamRoleId);
  const memberRole = iamRole(row.member_role as IamRoleId);
  return {
    userId: row.user_id,
    accountId: row.account_id,
    roleId: (tokenRole.rank <= memberRole.rank ? tokenRole : memberRole).id,
    email: row.email,
    lang: row.lang as Language,
    via: 'api_token',
    accountMembers: row.member_count,
    tokenId: row.id,
  };
}
