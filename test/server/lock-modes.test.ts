import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { ROLE } from '../../shared/roles.ts';
import { recordAudit } from '../../server/audit.ts';
import { eachDatabase } from '../support/context.ts';
import { holdMembership, waiters } from '../support/locks.ts';

/**
 * Rows locked to make requests take turns (decision 037): a person's row and an account's are
 * locked `for no key update`, so a row that merely refers to them (an audit entry, a session, a
 * token) can still be written meanwhile; and a membership is locked before the account's row.
 * Each case here deadlocked before (409 after about a second): one request held the locked row
 * and waited for a membership that the other held while it wrote to (or referred to) the locked
 * row. On PostgreSQL only: PGlite runs one transaction at a time.
 */
eachDatabase('a row locked to take turns, and the rows that refer to it', (ctx, dialect) => {
  const skip = dialect === 'pglite' && 'PGlite runs one transaction at a time: no deadlock';

  it('lets an invitation wait beside its inviter creating a token', { skip }, async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accountId);
    const other = await holdMembership(ctx().db, accountId, admin.id);
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

  it('lets a change of the security settings wait beside a removal', { skip }, async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accountId);
    // As a removal does: the Administrators' memberships first.
    const other = await holdMembership(ctx().db, accountId, admin.id);
    // The settings read the caller's membership anew, then lock the account's row.
    const settings = ctx().request(`/iam/clients/${accountId}/security`, {
      method: 'PUT',
      token,
      json: { require_2fa: true },
    });
    await waiters(ctx().db, 1, settings);
    // Meanwhile the removal counts the account down (migration 0007's trigger updates its row)
    // and audits the removal (an entry referring to the account).
    await other.write(async (trx) => {
      await sql`update accounts set member_count = member_count where id = ${accountId}`.execute(
        trx,
      );
      await recordAudit(trx, {
        accountId,
        actorUserId: admin.id,
        action: 'user.removed',
        targetType: 'user',
        targetId: admin.id,
        requestId: 'lock-modes',
      });
    });
    await other.commit();
    assert.equal((await settings).status, 200);
  });
});
