import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import type { CreatedToken } from '../../shared/tokens.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { callerFromApiToken } from '../tokens/authenticate.ts';
import { findCaller } from './middleware.ts';

/**
 * The caller comes with their account's member count, read in the statement that admits them
 * (no other): the Users list plans a big account's filtered statements for its size
 * (docs/decisions/040). Both credentials: a session's and an API token's.
 */
eachDatabase("the caller and their account's member count", (ctx) => {
  it('a session and an API token both bring the account member count', async () => {
    const { fixtures, db, clock } = ctx();
    const accountId = await fixtures.account();
    const admin = await fixtures.member(accountId, { role: ROLE.administrators });
    await fixtures.members(accountId, 4, `counted${accountId}`);

    const session = await findCaller(db, { userId: admin.id, accountId }, 'jwt');
    assert.equal(session?.accountMembers, 5);

    const created = await ctx().request(`/iam/v2/clients/${accountId}/tokens`, {
      method: 'POST',
      token: await ctx().tokenFor(admin.id, accountId),
      json: { name: 'counting', exp_date: null, client_user: { role: { id: ROLE.users } } },
    });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as CreatedToken;
    const byToken = await callerFromApiToken(db, clock, token);
    assert.equal(byToken.accountMembers, 5);
  });
});
