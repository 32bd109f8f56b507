import { Hono, type Context } from 'hono';
import {
  changeEmailBody,
  changePasswordBody,
  confirmEmailBody,
  emailChanged,
  emailChangeRequested,
  updateUserBody,
  user,
  userIdParams,
  usersPage,
  usersQuery,
  type UsersQuery,
} from '../../shared/users.ts';
import { z } from 'zod';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { issueTokens } from '../auth/tokens.ts';
import { tokenPair } from '../../shared/auth.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { readBatches, type Db } from '../db/connect.ts';
import { asBulkRead } from '../db/turns.ts';
import { AppError, invalidToken, notFound } from '../errors.ts';
import { PROFILE_SHARED_MESSAGE } from '../../shared/permissions.ts';
import type { AppEnv, Caller } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { COUNT_EXACT_HEADER, pageLinks } from '../http/page-links.ts';
import { validate } from '../http/validate.ts';
import { toUser } from './mapper.ts';
import {
  changePassword,
  confirmEmailChange,
  requestEmailChange,
  updateProfile,
  type ProfileDeps,
} from './profile.ts';
import { findMember, listMembers, type MemberRow, type MembersPage } from './repository.ts';

export const userOperations = {
  list: operation(routes.listUsers, {
    summary: 'Users of the account in scope; paged when `limit` is given',
    query: usersQuery,
    responses: {
      200: {
        description:
          'With `limit`: a page, whose `next` and `previous` links carry a keyset `cursor`; header `X-Count-Exact: false` when `count` is an estimate (past 1,000 matches with filters). Without `limit`: an array of every member, streamed',
        schema: z.union([usersPage, z.array(user)]),
      },
    },
  }),
  get: operation(routes.getUser, {
    summary: 'One user of the account in scope',
    params: userIdParams,
    responses: { 200: { description: 'The user', schema: user } },
  }),
  update: operation(routes.updateUser, {
    summary: "Change a user's name, language or phone (the user, or an Administrator)",
    params: userIdParams,
    body: updateUserBody,
    responses: { 200: { description: 'The user', schema: user } },
  }),
  changeEmail: operation(routes.changeEmail, {
    summary:
      'Change your own email, with your password: a link goes to the new address, and the email changes when it is opened (10 an hour)',
    params: userIdParams,
    body: changeEmailBody,
    responses: {
      202: { description: 'The confirmation link was sent', schema: emailChangeRequested },
    },
  }),
  confirmEmail: operation(routes.confirmEmail, {
    summary: 'Open the link sent to a new address: the email changes',
    body: confirmEmailBody,
    responses: { 200: { description: 'The email changed', schema: emailChanged } },
  }),
  changePassword: operation(routes.changePassword, {
    summary: 'Change your own password',
    params: userIdParams,
    body: changePasswordBody,
    responses: {
      200: {
        description:
          'Changed. Every earlier refresh token is void; the answer is a fresh session for this one',
        schema: tokenPair,
      },
    },
  }),
};

export function userRoutes(deps: AuthDeps & ProfileDeps & { config: Config }) {
  const { db, clock } = deps;
  const ops = userOperations;

  return new Hono<AppEnv>()
    .get(ops.list.path, authenticate(deps), validate('query', ops.list.query), async (c) => {
      const caller = await authorize(c, db, 'users.list');
      const query = c.req.valid('query');
      const now = clock.now();
      if (query.limit === undefined) return streamMembers(c, db, clock, caller, query, now);
      const page = await listMembers(
        db,
        caller.accountId,
        caller.userId,
        { ...query, limit: query.limit },
        now,
        { accountMembers: caller.accountMembers },
      );
      // The count may be an estimate past a bound (docs/decisions/021-the-users-count.md).
      c.header(COUNT_EXACT_HEADER, String(page.countExact));
      return c.json({
        count: page.count,
        ...pageLinks(
          deps.config.publicUrl + ops.list.path,
          c.req.url,
          // The first page, when a `previous` link found nothing before its row any more.
          page.fromStart ? { ...query, offset: 0, cursor: undefined } : query,
          page,
        ),
        results: page.rows.map((row) => toUserFor(caller, row, now)),
      });
    })

    .get(ops.get.path, authenticate(deps), validate('param', ops.get.params), async (c) => {
      const { userId } = c.req.valid('param');
      const caller = await authorize(c, db, 'users.read', { userId });
      return c.json(await currentUser(caller, userId));
    })

    .patch(
      ops.update.path,
      authenticate(deps),
      validate('param', ops.update.params),
      validate('json', ops.update.body),
      async (c) => {
        const { userId } = c.req.valid('param');
        const body = c.req.valid('json');
        const member = await findMember(
          db,
          c.get('caller').accountId,
          userId,
          c.get('caller').userId,
        );
        const sharedProfile = member?.shared_profile ?? false;
        const caller = await authorize(
          c,
          db,
          'users.update_profile',
          { userId, sharedProfile },
          sharedProfile ? new AppError('profile_shared', PROFILE_SHARED_MESSAGE) : undefined,
        );
        // Only its owner changes an email (and not here): 403 for anyone else, audited.
        if (body.email !== undefined) await authorize(c, db, 'users.change_email', { userId });
        if (!member) throw notFound();
        await updateProfile(deps, caller, member, body, c.get('requestId'));
        return c.json(await currentUser(caller, userId));
      },
    )

    .put(
      ops.changeEmail.path,
      authenticate(deps),
      validate('param', ops.changeEmail.params),
      validate('json', ops.changeEmail.body),
      async (c) => {
        const { userId } = c.req.valid('param');
        const caller = await authorize(c, db, 'users.change_email', { userId });
        const body = c.req.valid('json');
        await requestEmailChange(deps, caller, body, c.get('requestId'));
        return c.json({ status: 'confirmation_sent' as const, new_email: body.new_email }, 202);
      },
    )

    .post(ops.confirmEmail.path, validate('json', ops.confirmEmail.body), async (c) => {
      return c.json(await confirmEmailChange(deps, c.req.valid('json').token, c.get('requestId')));
    })

    .put(
      ops.changePassword.path,
      authenticate(deps),
      validate('param', ops.changePassword.params),
      validate('json', ops.changePassword.body),
      async (c) => {
        const { userId } = c.req.valid('param');
        const caller = await authorize(c, db, 'users.change_password', { userId });
        // Every session ended with the change, this one too: it goes on in a new one.
        const sessionId = await changePassword(
          deps,
          caller,
          c.req.valid('json'),
          c.get('requestId'),
        );
        return c.json(
          await issueTokens(
            deps,
            { userId: caller.userId, accountId: caller.accountId },
            sessionId,
          ),
        );
      },
    );

  async function currentUser(caller: Caller, userId: number) {
    const row = await findMember(db, caller.accountId, userId, caller.userId);
    if (!row) throw notFound();
    return toUserFor(caller, row, clock.now());
  }
}

/**
 * About how many bytes of JSON are written at a time while a list streams: rows are serialised
 * as the socket takes them, so no big string or buffer is built (decision 029).
 */
export const STREAM_CHUNK_BYTES = 16 * 1024;
/** How long a streamed list goes on before it asks again whether its caller is admitted. */
export const STREAM_ACCESS_CHECK_MS = 1000;
/** `[`, `,` and `]` in UTF-8. */
const [OPEN, COMMA, CLOSE] = [0x5b, 0x2c, 0x5d];

/** A member as the caller sees them: their own other accounts only when it is themselves. */
function toUserFor(caller: Caller, row: MemberRow, now: Date) {
  return toUser(
    row,
    row.cloud_roles,
    row.id === caller.userId
      ? (row.caller_accounts ?? [])
      : [{ id: row.account_id, company_name: row.company_name, role_id: row.role_id }],
    now,
  );
}

/**
 * Without `limit` (Gcore's clients): the whole account as one JSON array, streamed in keyset
 * batches (readBatches: short ones on PGlite) and written a few rows at a time, only as fast as
 * the client reads (decision 029). The stream is pulled: the node adapter reads the next piece when
 * the socket has drained, and the batch after the current one is read at most (on PostgreSQL,
 * while the current one is written). So the process holds two batches and one piece per answer at
 * most, whatever the account's size; a slow reader holds no database connection, and a failure of
 * the first batch is still an ordinary error answer; a later one cuts the answer short (the client
 * sees broken JSON).
 */
async function streamMembers(
  c: Context<AppEnv>,
  db: Db,
  clock: Clock,
  caller: Caller,
  query: UsersQuery,
  now: Date,
) {
  const { size, readAhead } = readBatches(db);
  /**
   * A batch after the first is read only while the caller's credential still admits them to this
   * account with the role they started with, asked again at most once a second: a member removed,
   * a session revoked or a token deleted while their list streams gets no row read after that, and
   * the answer is cut short, as by a failed batch.
   */
  let admittedAt = clock.now().getTime();
  const stillAdmitted = async () => {
    if (clock.now().getTime() - admittedAt < STREAM_ACCESS_CHECK_MS) return;
    const current = await c.get('callerNow')();
    if (current?.accountId !== caller.accountId || current.roleId !== caller.roleId) {
      throw invalidToken();
    }
    admittedAt = clock.now().getTime();
  };
  const batch = async (cursor?: string) => {
    if (cursor) await stillAdmitted();
    return asBulkRead(() =>
      listMembers(
        db,
        caller.accountId,
        caller.userId,
        { ...query, limit: size, offset: undefined, cursor },
        now,
        { count: false, accountMembers: caller.accountMembers },
      ),
    );
  };
  /** The batch after `current`, read now (its failure is met when it is awaited, if ever). */
  const readAfter = (current: MembersPage) => {
    if (!readAhead || !current.nextCursor) return undefined;
    const next = batch(current.nextCursor);
    next.catch(() => {});
    return next;
  };
  let page = await batch();
  let following = readAfter(page);
  let written = 0; // rows of `page` written so far
  let opened = false; // `[` written
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (written === page.rows.length && page.nextCursor) {
          page = await (following ?? batch(page.nextCursor));
          following = readAfter(page);
          written = 0;
        }
        // Each row's JSON goes straight into the piece's bytes: no string of several rows is
        // built, so none is copied again to be encoded (docs/decisions/034).
        const rows: string[] = [];
        let bytes = 0;
        while (written < page.rows.length && bytes < STREAM_CHUNK_BYTES) {
          const json = JSON.stringify(toUserFor(caller, page.rows[written++], now));
          rows.push(json);
          bytes += 1 + Buffer.byteLength(json); // with the `[` or `,` before it
        }
        const done = written === page.rows.length && !page.nextCursor;
        const piece = Buffer.allocUnsafe(bytes + (opened || rows.length ? 0 : 1) + (done ? 1 : 0));
        let at = 0;
        for (const json of rows) {
          piece[at++] = opened ? COMMA : OPEN;
          opened = true;
          at += piece.write(json, at);
        }
        if (!opened) piece[at++] = OPEN; // no member at all
        opened = true;
        if (done) piece[at++] = CLOSE;
        controller.enqueue(piece);
        if (done) controller.close();
      },
    },
    // Nothing is made before the reader asks for it.
    { highWaterMark: 0 },
  );
  return c.body(stream, 200, { 'Content-Type': 'application/json' });
}
