import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import { sql } from 'kysely';
import type { Db } from './db/connect.ts';
import type { AuditVia } from './db/schema.ts';
import { clientIp } from './http/client-ip.ts';
import type { AppEnv, Caller } from './http/env.ts';

/** One row of the audit log: who did what to what, when, in which request. Never a secret. */
export interface AuditEntry {
  accountId: number | null;
  actorUserId: number | null;
  /** The API token the actor used, if any. */
  actorTokenId?: number;
  /** How the actor was authenticated; a sign-in names the session it opens. */
  via?: AuditVia;
  sessionId?: string;
  action: string;
  targetType?: string;
  targetId?: string | number;
  requestId?: string;
  details?: Record<string, unknown>;
  /** When it happened; the injected clock's time, so limits counted from the log follow it. */
  at?: Date;
}

/** What every audit row of a request shares, whichever code writes it. */
interface RequestFacts {
  requestId: string;
  ip: string | null;
}

const currentRequest = new AsyncLocalStorage<RequestFacts>();

/**
 * Makes the request's IP and id available to every audit row written while it is served, so no
 * route has to pass them along (and none can forget to). Outside a request (the demo seed, a
 * worker) rows carry none.
 */
export function auditRequestContext(trustProxy: boolean): MiddlewareHandler<AppEnv> {
  return (c, next) =>
    currentRequest.run({ requestId: c.get('requestId'), ip: clientIp(c, trustProxy) }, next);
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  const request = currentRequest.getStore();
  const accountId = entry.accountId;
  const targetNumber = entry.targetType === 'user' ? Number(entry.targetId) : NaN;
  const targetUserId = Number.isSafeInteger(targetNumber) ? targetNumber : null;
  // The person as this account sees them (decision 011): the name its invitation sent until they
  // join, their own after; nothing of a person the account does not know.
  const asKnown = (userId: number | null, column: 'name' | 'email') => {
    if (userId === null || accountId === null) return sql<string | null>`null`;
    const value =
      column === 'email'
        ? sql`u.email`
        : sql`case when m.accepted_at is null then m.invited_name else u.name end`;
    return sql<string | null>`(select ${value} from users u
      join memberships m on m.user_id = u.id and m.account_id = ${accountId}
      where u.id = ${userId})`;
  };
  // A person who has just left (the row of their removal) is named as the account's last row
  // about them named them.
  const asLastNamed = (userId: number | null, column: 'target_name' | 'target_email') => {
    if (userId === null || accountId === null) return sql<string | null>`null`;
    return sql<string | null>`(select ${sql.ref(column)} from audit_log
      where account_id = ${accountId} and target_type = 'user' and target_id = ${String(userId)}
        and ${sql.ref(column)} is not null
      order by id desc limit 1)`;
  };
  await db
    .insertInto('audit_log')
    .values({
      account_id: accountId,
      actor_user_id: entry.actorUserId,
      actor_token_id: entry.actorTokenId ?? null,
      via: entry.via ?? (entry.actorTokenId === undefined ? null : 'api_token'),
      session_id: entry.sessionId ?? null,
      ip: request?.ip ?? null,
      actor_name: asKnown(entry.actorUserId, 'name'),
      actor_email: asKnown(entry.actorUserId, 'email'),
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined ? null : String(entry.targetId),
      target_name: sql`coalesce(${asKnown(targetUserId, 'name')}, ${asLastNamed(targetUserId, 'target_name')})`,
      target_email: sql`coalesce(${asKnown(targetUserId, 'email')}, ${asLastNamed(targetUserId, 'target_email')})`,
      request_id: entry.requestId ?? request?.requestId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ...(entry.at ? { occurred_at: entry.at } : {}),
    })
    .execute();
}

/** How a caller came in, as an audit row records it. */
function viaOf(caller: Caller): AuditVia {
  return caller.via === 'jwt' ? 'session' : caller.via;
}

/**
 * An audit row of what `caller` did in their account: the account, the person, the session or
 * API token they used come from the caller, so no action of a token goes unattributed.
 */
export function auditBy(
  db: Db,
  caller: Caller,
  entry: Omit<AuditEntry, 'accountId' | 'actorUserId' | 'actorTokenId' | 'via' | 'sessionId'>,
): Promise<void> {
  return recordAudit(db, {
    ...entry,
    accountId: caller.accountId,
    actorUserId: caller.userId,
    actorTokenId: caller.tokenId,
    via: viaOf(caller),
    sessionId: caller.sessionId,
  });
}
