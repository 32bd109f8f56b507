import type { Db } from './db/connect.ts';
import type { Caller } from './http/env.ts';

/** One row of the audit log: who did what to what, when, in which request. Never a secret. */
export interface AuditEntry {
  accountId: number | null;
  actorUserId: number | null;
  /** The API token the actor used, if any. */
  actorTokenId?: number;
  action: string;
  targetType?: string;
  targetId?: string | number;
  requestId?: string;
  details?: Record<string, unknown>;
  /** When it happened; the injected clock's time, so limits counted from the log follow it. */
  at?: Date;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      account_id: entry.accountId,
      actor_user_id: entry.actorUserId,
      actor_token_id: entry.actorTokenId ?? null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined ? null : String(entry.targetId),
      request_id: entry.requestId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ...(entry.at ? { occurred_at: entry.at } : {}),
    })
    .execute();
}

/**
 * An audit row of what `caller` did in their account: the account, the person and the API token
 * they used (if any) come from the caller, so no action of a token goes unattributed.
 */
export function auditBy(
  db: Db,
  caller: Caller,
  entry: Omit<AuditEntry, 'accountId' | 'actorUserId' | 'actorTokenId'>,
): Promise<void> {
  return recordAudit(db, {
    ...entry,
    accountId: caller.accountId,
    actorUserId: caller.userId,
    actorTokenId: caller.tokenId,
  });
}
