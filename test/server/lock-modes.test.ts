import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { recordAudit } from '../../server/audit.ts';
import { eachDatabase } from '../support/context.ts';
import { holdOpen, waiters } from '../support/locks.ts';

/**
 * A row locked to make requests wait their turn (a person's row, an account's) is locked `for no
 * key update` (decision 037): a row that merely refers to it, such as an audit entry, a session or
 * a token, can still be written meanwhile. Locked `for update`, each case here deadlocked (409
 * after about a second): one request held the locked row and waited for a membership that the
 * other held while it wrote a row referring to the locked one. On PostgreSQL only: PGlite runs one
 * transaction at a time.
 */
eachDatabase('a row locked to take turns, and the rows that refer to it', (ctx, dialect) => {
  const skip = dialect === 'pglite' && 'PGlite runs one transaction at a time: no deadlock';

  /** Holds the member's membership, as lockAdministrators and a token's creation do first. */
  const holdingMembership = (accountId: number, userId: number) =>
    holdOpen(ctx().db, async (trx) => {
      await trx
        .selectFrom('memberships')
        .select('id')
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .forUpdate()
        .execute();
    });

  it('lets an invitation wait beside its inviter creating a token', { skip }, async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accountId);
    const other = await holdingMembership(accountId, admin.id);
    // The invitation locks its inviter's row, then waits for their membership.
    const invitation = ctx().request('/iam/clients/invite_user', {
      method: 'POST',
      token,
      json: {
        client_id: accountId,
        email: `turns-${admin.id}@locks.test`,
        user_role: { id: ROLE.users },
      },
    });
    await waiters(ctx().db, 1, invitation);
    // Meanwhile the other writes a row referring to the inviter (a token's would; a session here).
    await other.write(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({ user_id: admin.id, credentials_version: 0, created_at: ctx().clock.now() })
        .execute();
    });
    await other.commit();
    assert.equal((await invitation).status, 200);
  });

  it('lets a change of the security settings wait beside a role change', { skip }, async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accountId);
    const other = await holdingMembership(accountId, admin.id);
    // The settings lock the account's row, then wait for the caller's membership.
    const settings = ctx().request(`/iam/clients/${accountId}/security`, {
      method: 'PUT',
      token,
      json: { require_2fa: true },
    });
    await waiters(ctx().db, 1, settings);
    // Meanwhile the other audits its change: an entry referring to the account.
    await other.write(async (trx) => {
      await recordAudit(trx, {
        accountId,
        actorUserId: admin.id,
        action: 'user.role_changed',
        targetType: 'user',
        targetId: admin.id,
        requestId: 'lock-modes',
      });
    });
    await other.commit();
    assert.equal((await settings).status, 200);
  });
});
