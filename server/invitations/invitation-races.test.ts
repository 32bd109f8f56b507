import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { holdOpen, waiters } from '../../test/support/locks.ts';

/**
 * Two invitations at one moment that each name the other's inviter (decision 037's lock order).
 * On PostgreSQL only: PGlite runs one transaction at a time, so the race cannot happen there.
 */
eachDatabase('two Administrators inviting each other at the same moment', (ctx, dialect) => {
  const skip = dialect === 'pglite' && 'PGlite runs one transaction at a time: no race to lose';

  it('both invitations are made: the two people are locked in one order', { skip }, async () => {
    const { fixtures, db } = ctx();
    const [east, west] = [await fixtures.account(), await fixtures.account()];
    const ada = await fixtures.member(east, { role: ROLE.administrators });
    const bob = await fixtures.member(west, { role: ROLE.administrators });
    const invite = async (accountId: number, inviterId: number, email: string) =>
      ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token: await ctx().tokenFor(inviterId, accountId),
        json: { client_id: accountId, email, user_role: { id: ROLE.users, name: 'Users' } },
      });
    // Each request stops at its caller's membership (read `for share` to authorize it), after it
    // has taken its lock on the people, until both have come that far or are waiting.
    const held = await holdOpen(db, async (trx) => {
      await trx
        .selectFrom('memberships')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('account_id', '=', east), eb('user_id', '=', ada.id)]),
            eb.and([eb('account_id', '=', west), eb('user_id', '=', bob.id)]),
          ]),
        )
        .forUpdate()
        .execute();
    });
    const adaInvitesBob = invite(east, ada.id, bob.email);
    const bobInvitesAda = invite(west, bob.id, ada.email);
    await waiters(db, 2, Promise.all([adaInvitesBob, bobInvitesAda]));
    await held.commit();
    // Locking only the inviter first, each would hold their own row here and then wait for the
    // other's, as the invitee: PostgreSQL ends such a deadlock by failing one of them (409).
    const answers = await Promise.all([adaInvitesBob, bobInvitesAda]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200],
      await Promise.all(answers.map((answer) => answer.clone().text())).then((t) => t.join(' ')),
    );
    const pending = await db
      .selectFrom('memberships')
      .select(['account_id', 'user_id'])
      .where('accepted_at', 'is', null)
      .where('account_id', 'in', [east, west])
      .orderBy('account_id')
      .execute();
    assert.deepEqual(pending, [
      { account_id: east, user_id: bob.id },
      { account_id: west, user_id: ada.id },
    ]);
  });
});
