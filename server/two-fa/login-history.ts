import type { LoginEvent, LoginFailureReason, LoginsQuery } from '../../shared/two-fa.ts';
import { toCount, type Db } from '../db/connect.ts';

/**
 * The rows of the sign-in history (`GET /iam/activity_log/logins`): sign-ins only (never a secret
 * checked in the settings), newest first, with the filters of the query.
 */

/**
 * Whose eyes read the history (docs/decisions/018): the person sees all of theirs; an account's
 * Administrator sees the person's sign-ins into that account and, when `failuresSince` is set
 * (the person belongs to this account alone), their failed attempts since joining it. Failures
 * land in no account; sign-ins into another account are never shown.
 */
export type HistoryScope =
  { whole: true } | { whole: false; accountId: number; failuresSince: Date | undefined };

/** A member who has joined the account, and whether another account shares them. */
export async function joinedMember(db: Db, accountId: number, userId: number) {
  return db
    .selectFrom('memberships as m')
    .select((eb) => [
      'm.accepted_at',
      eb
        .exists(
          eb
            .selectFrom('memberships as o')
            .select('o.id')
            .whereRef('o.user_id', '=', 'm.user_id')
            .where('o.account_id', '<>', accountId)
            .where('o.accepted_at', 'is not', null),
        )
        .as('shared_profile'),
    ])
    .where('m.account_id', '=', accountId)
    .where('m.user_id', '=', userId)
    .where('m.accepted_at', 'is not', null) // an invitee's history is not the inviter's to read
    .executeTakeFirst();
}

/** An IPv4 address is also stored in its IPv4-mapped IPv6 form (a dual-stack socket's view). */
function ipForms(ip: string): string[] {
  return ip.includes(':') ? [ip.toLowerCase()] : [ip, `::ffff:${ip}`];
}

export async function loginHistory(
  db: Db,
  userId: number,
  scope: HistoryScope,
  filters: LoginsQuery,
): Promise<{ count: number; results: LoginEvent[] }> {
  let events = db
    .selectFrom('login_events')
    .where('user_id', '=', userId)
    .where('kind', '=', 'sign_in');
  if (!scope.whole) {
    const { accountId, failuresSince } = scope;
    events = events.where((eb) =>
      failuresSince
        ? eb.or([
            eb('account_id', '=', accountId),
            eb.and([eb('account_id', 'is', null), eb('occurred_at', '>=', failuresSince)]),
          ])
        : eb('account_id', '=', accountId),
    );
  }
  if (filters.from) events = events.where('occurred_at', '>=', filters.from);
  if (filters.to) events = events.where('occurred_at', '<=', filters.to);
  if (filters.ip) events = events.where('ip', 'in', ipForms(filters.ip));
  if (filters.success !== undefined) events = events.where('success', '=', filters.success);

  const [rows, total] = await Promise.all([
    events
      .select([
        'id',
        'user_id',
        'email',
        'occurred_at',
        'ip',
        'user_agent',
        'success',
        'method',
        'failure_reason',
      ])
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filters.limit)
      .offset(filters.offset)
      .execute(),
    events.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return {
    count: toCount(total.count),
    results: rows.map((row) => ({
      id: Number(row.id),
      user_id: row.user_id,
      email: row.email,
      date: row.occurred_at.toISOString(),
      ip: row.ip,
      user_agent: row.user_agent,
      success: row.success,
      method: row.method,
      // Sign-in rows hold only the history's reasons (migration 0005); a success has none.
      failure_reason: row.success ? null : (row.failure_reason as LoginFailureReason | null),
    })),
  };
}
