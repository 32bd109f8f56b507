import { Hono } from 'hono';
import {
  acceptInvitationBody,
  acceptInvitationResult,
  invitationState as invitationStateSchema,
  invitationTokenParams,
  inviteUserBody,
  inviteUserResult,
  inviteUsersBody,
  inviteUsersEnvelope,
  inviteUsersResult,
  resendInviteParams,
  resendInviteResult,
} from '../../shared/invitations.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { inviteUsers } from './bulk.ts';
import {
  acceptInvitation,
  invitationState,
  inviteUser,
  resendInvitation,
  type InvitationDeps,
} from './service.ts';

export const invitationOperations = {
  invite: operation(routes.inviteUser, {
    summary: 'Invite a person into the account (Administrators); emails a link valid 24 hours',
    body: inviteUserBody,
    responses: { 200: { description: 'The invitation was sent', schema: inviteUserResult } },
  }),
  inviteMany: operation(routes.inviteUsers, {
    summary:
      'Invite up to 100 people (Administrators; an addition to the API): one result per row, in ' +
      'order; each row is invited as by invite_user, in its own transaction; a person already ' +
      'in the account is reported, not emailed again; `dry_run` answers without acting',
    // Documented as each row must be; the BFF validates the envelope and judges rows one by one.
    body: inviteUsersBody,
    responses: {
      200: { description: 'A result per row, in the order given', schema: inviteUsersResult },
    },
  }),
  resend: operation(routes.resendInvite, {
    summary:
      'Send a pending invitation again: a new link, valid 24 hours; earlier links stop working',
    params: resendInviteParams,
    responses: { 200: { description: 'A new link was sent', schema: resendInviteResult } },
  }),
  state: operation(routes.getInvitation, {
    summary: 'What an invitation link is: valid, expired, used or invalid',
    params: invitationTokenParams,
    responses: { 200: { description: 'The state of the link', schema: invitationStateSchema } },
  }),
  accept: operation(routes.acceptInvitation, {
    summary: 'Accept an invitation: a new person sets a password, an existing one accepts',
    params: invitationTokenParams,
    body: acceptInvitationBody,
    responses: { 200: { description: 'The membership is active', schema: acceptInvitationResult } },
  }),
};

export function invitationRoutes(deps: AuthDeps & InvitationDeps) {
  const ops = invitationOperations;
  const { db } = deps;
  return new Hono<AppEnv>()
    .post(ops.invite.path, authenticate(deps), validate('json', ops.invite.body), async (c) => {
      const caller = await authorize(c, db, 'users.invite');
      return c.json(await inviteUser(deps, caller, c.req.valid('json'), c.get('requestId')));
    })
    .post(
      ops.inviteMany.path,
      authenticate(deps),
      validate('json', inviteUsersEnvelope),
      async (c) => {
        const caller = await authorize(c, db, 'users.invite');
        const body = c.req.valid('json');
        const results = await inviteUsers(deps, caller, body, c.get('requestId'));
        return c.json({ results });
      },
    )
    .post(ops.resend.path, authenticate(deps), validate('param', ops.resend.params), async (c) => {
      const target = c.req.valid('param');
      const caller = await authorize(c, db, 'users.resend_invite', { userId: target.userId });
      return c.json(await resendInvitation(deps, caller, target, c.get('requestId')));
    })
    .get(ops.state.path, validate('param', ops.state.params), async (c) => {
      return c.json(await invitationState(deps, c.req.valid('param').token));
    })
    .post(
      ops.accept.path,
      validate('param', ops.accept.params),
      validate('json', ops.accept.body),
      async (c) => {
        const { token } = c.req.valid('param');
        return c.json(await acceptInvitation(deps, token, c.req.valid('json'), c.get('requestId')));
      },
    );
}
