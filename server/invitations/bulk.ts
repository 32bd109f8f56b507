import type { z } from 'zod';
import {
  inviteRow,
  type InviteRowResult,
  type inviteUsersEnvelope,
} from '../../shared/invitations.ts';
import { AppError, notFound } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { checkValue } from '../http/validate.ts';
import { AlreadyInvited, inviteInTransaction, type InvitationDeps } from './service.ts';

/**
 * A bulk invitation (docs/bulk-invitations.md, docs/decisions/025): each row is invited by the
 * very code invite_user runs (inviteInTransaction), in a transaction of its own, so a bad row is
 * answered in its place and never undoes another. Sending a batch again invites no one twice:
 * a person already in the account is answered `already_invited` or `already_member`, without an
 * email, because each row's transaction first locks the inviter and then looks for the membership.
 */

type Envelope = z.output<typeof inviteUsersEnvelope>;
type Row = z.output<typeof inviteRow>;

/** A dry run's transaction ends with this, so nothing it did is kept. */
class DryRunDone extends Error {}

export async function inviteUsers(
  deps: InvitationDeps,
  caller: Caller,
  body: Envelope,
  requestId: string,
): Promise<InviteRowResult[]> {
  if (body.client_id !== caller.accountId) throw notFound();
  const now = deps.clock.now();
  const results: InviteRowResult[] = [];
  const seen = new Set<string>();
  /** The rows worth trying, each with where its result goes. */
  const rows: { index: number; row: Row }[] = [];
  body.users.forEach((value, index) => {
    const checked = checkValue(inviteRow, value);
    if ('errors' in checked) {
      results[index] = { index, email: null, status: 'invalid', errors: checked.errors };
      return;
    }
    const { email } = checked.data;
    if (seen.has(email)) {
      results[index] = { index, email, status: 'duplicate' };
      return;
    }
    seen.add(email);
    rows.push({ index, row: checked.data });
  });

  if (body.dry_run) {
    // The same code on the same database, in one transaction rolled back at the end: each row
    // sees the rows before it (the allowance they use up). A row is refused before it writes
    // (unless another administrator's invitation races it, and that too ends in the rollback).
    await deps.db
      .transaction()
      .execute(async (trx) => {
        for (const { index, row } of rows) {
          try {
            await inviteInTransaction(trx, deps, caller, row, requestId, now);
            results[index] = { index, email: row.email, status: 'valid' };
          } catch (error) {
            results[index] = refusedRow(index, row, error);
          }
        }
        throw new DryRunDone();
      })
      .catch((error: unknown) => {
        if (!(error instanceof DryRunDone)) throw error;
      });
    return results;
  }

  try {
    for (const { index, row } of rows) {
      try {
        const sent = await deps.db
          .transaction()
          .execute((trx) => inviteInTransaction(trx, deps, caller, row, requestId, now));
        results[index] = { index, email: row.email, status: 'invited', user_id: sent.user_id };
      } catch (error) {
        results[index] = refusedRow(index, row, error);
      }
    }
  } finally {
    // Rows committed before an unexpected failure have their emails queued: send them.
    if (results.some((result) => result.status === 'invited')) deps.onEmailQueued?.();
  }
  return results;
}

/**
 * A row's refusal as its result. Anything but a refusal the BFF means to give (a database that
 * stopped answering) ends the batch with the usual error answer; the rows committed before it
 * stay, and sending the batch again reports them as already invited.
 */
function refusedRow(index: number, row: Row, error: unknown): InviteRowResult {
  const email = row.email;
  if (error instanceof AlreadyInvited) {
    const status = error.accepted ? 'already_member' : 'already_invited';
    return { index, email, status, user_id: error.userId };
  }
  if (!(error instanceof AppError)) throw error;
  if (error.code === 'validation_failed' && error.errors && !('client_user' in error.errors)) {
    return { index, email, status: 'invalid', errors: error.errors };
  }
  if (error.code === 'rate_limited') {
    return { index, email, status: 'over_allowance', message: error.message };
  }
  return { index, email, status: 'refused', code: error.code, message: error.message };
}
