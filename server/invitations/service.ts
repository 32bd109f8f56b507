import { randomInt } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import type {
  AcceptInvitationBody,
  InvitationState,
  inviteUserBody,
} from '../../shared/invitations.ts';
import { auditBy, recordAudit } from '../audit.ts';
import { authorizeInTransaction } from '../auth/middleware.ts';
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from '../auth/password-policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import { emailedLink } from '../../shared/links.ts';
import type { Language } from '../../shared/roles.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { AppError, notFound, refuseOverLimit } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { enqueueEmail } from '../mail/outbox.ts';
import { lockPerson, NO_LOGIN } from '../memberships/service.ts';

/**
 * Invitations: an administrator invites a person by email; the person follows a link that is
 * valid once, for 24 hours. The link's token is 32 random bytes; the database keeps its SHA-256.
 */

const INVITATION_LIFETIME_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface InvitationDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'invitesPerDay'>;
  /** Called after a transaction that enqueued email has committed. */
  onEmailQueued?: () => void;
}

type InviteInput = z.output<typeof inviteUserBody>;

export async function inviteUser(
  deps: InvitationDeps,
  caller: Caller,
  input: InviteInput,
  requestId: string,
) {
  // The account in scope is the credential's; another account's id is as good as unknown.
  if (input.client_id !== caller.accountId) throw notFound();
  const now = deps.clock.now();
  const result = await deps.db
    .transaction()
    .execute((trx) => inviteInTransaction(trx, deps, caller, input, requestId, now));
  deps.onEmailQueued?.();
  return result;
}

/**
 * The person is already in the account (joined or still invited): nothing is sent again. Answered
 * as invite_user always did (400 `already_invited`); a bulk invitation tells the two apart.
 */
export class AlreadyInvited extends AppError {
  constructor(
    readonly userId: number,
    accountId: number,
    readonly accepted: boolean,
  ) {
    const message = `User ${userId} has already been invited to client ${accountId}`;
    super('already_invited', message, { email: [message] });
  }
}

/**
 * Every rule of one invitation, in the caller's transaction: invite_user runs it once, a bulk
 * invitation once per row (each in a transaction of its own, server/invitations/bulk.ts).
 */
export async function inviteInTransaction(
  trx: Transaction<Database>,
  deps: InvitationDeps,
  caller: Caller,
  input: Omit<InviteInput, 'client_id'>,
  requestId: string,
  now: Date,
) {
  await checkProjects(trx, caller.accountId, input.cloud?.projects ?? []);
  // One administrator's invitations are serialized, so the daily limit holds under concurrency.
  // The invitee, when they exist, is locked in the same statement, the two rows in id order: two
  // Administrators inviting each other at one moment would otherwise each hold their own row and
  // wait for the other's (a deadlock, one of them answered 409). `findOrCreateInvitee` takes the
  // invitee's lock again (already held) or creates them (a row no one else holds).
  const people = await trx
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where((eb) => eb.or([eb('id', '=', caller.userId), eb('email', '=', input.email)]))
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  const inviter = people.find((person) => person.id === caller.userId);
  if (!inviter) throw new Error(`the inviter ${caller.userId} has no row`);
  await authorizeInTransaction(trx, caller, 'users.invite');
  // Before the daily limit: sending the same invitation again says "already invited", whatever
  // is left of the day's allowance (and uses none of it).
  const existing = await trx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.accepted_at'])
    .where('m.account_id', '=', caller.accountId)
    .where('u.email', '=', input.email)
    .executeTakeFirst();
  if (existing)
    throw new AlreadyInvited(existing.user_id, caller.accountId, !!existing.accepted_at);
  await checkDailyCount(
    trx,
    { actorUserId: caller.userId, action: 'user.invited' },
    deps.config.invitesPerDay,
    now,
    (hours) =>
      `You can invite at most ${deps.config.invitesPerDay} users a day. Try again in ${hours} hours.`,
  );

  const user = await findOrCreateInvitee(trx, input, now);
  const membership = await trx
    .insertInto('memberships')
    .values({
      account_id: caller.accountId,
      user_id: user.id,
      role_id: input.user_role.id,
      invited_by: caller.userId,
      invited_at: now,
      invitation_expires_at: new Date(now.getTime() + INVITATION_LIFETIME_MS),
      // What this account sees until they join; the person's own row is not the inviter's.
      invited_name: input.name || null,
      invited_lang: input.lang,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.columns(['account_id', 'user_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  // Another administrator invited them a moment ago (their transaction was not ours to wait for).
  if (!membership) throw new AlreadyInvited(user.id, caller.accountId, false);

  const cloud = input.cloud ?? { client_role: null, projects: [] };
  const assignments = [
    ...(cloud.client_role ? [{ project_id: null, role: cloud.client_role as string }] : []),
    ...cloud.projects.map((row) => ({ project_id: row.project_id, role: row.role as string })),
  ];
  if (assignments.length > 0) {
    await trx
      .insertInto('cloud_role_assignments')
      .values(
        assignments.map((a) => ({
          account_id: caller.accountId,
          user_id: user.id,
          project_id: a.project_id,
          role: a.role,
          assigned_by: caller.userId,
          created_at: now,
        })),
      )
      .execute();
  }

  const company = await companyName(trx, caller.accountId);
  await issueLink(trx, deps, {
    accountId: caller.accountId,
    user,
    invitedBy: caller.userId,
    now,
    template: user.newUser ? 'invitation_new_user' : 'invitation_existing_user',
    company,
    inviter: inviter.name ?? inviter.email,
  });
  await auditBy(trx, caller, {
    action: 'user.invited',
    targetType: 'user',
    targetId: user.id,
    requestId,
    at: now,
    details: {
      role_id: input.user_role.id,
      new_user: user.newUser,
      cloud_roles: assignments.length,
    },
  });
  return { status: 'sent' as const, user_id: user.id };
}

async function checkProjects(db: Db, accountId: number, rows: { project_id: number }[]) {
  if (rows.length === 0) return;
  const found = await db
    .selectFrom('projects')
    .select('id')
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .where(
      'id',
      'in',
      rows.map((row) => row.project_id),
    )
    // A deletion under way (it locks the project) is waited for, then seen: no role is given on
    // a project deleted at the same moment.
    .forShare()
    .execute();
  const known = new Set(found.map((row) => row.id));
  const errors: Record<string, string[]> = {};
  rows.forEach((row, index) => {
    if (!known.has(row.project_id))
      errors[`cloud.projects.${index}.project_id`] = ['Project not found.'];
  });
  if (Object.keys(errors).length > 0)
    throw new AppError('validation_failed', 'Invalid input.', errors);
}

/**
 * At most `limit` audit rows of `action` by (or about) someone in the last 24 hours. Counted from
 * the audit log, which keeps a row even when the invitee is deleted again (counting memberships
 * would let invite-then-delete go on forever).
 */
async function checkDailyCount(
  db: Db,
  filter: { actorUserId?: number; accountId?: number; targetUserId?: number; action: string },
  limit: number,
  now: Date,
  message: (hours: number) => string,
) {
  let query = db
    .selectFrom('audit_log')
    .select('occurred_at')
    .where('action', '=', filter.action)
    .where('occurred_at', '>', new Date(now.getTime() - DAY_MS));
  if (filter.actorUserId !== undefined)
    query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.targetUserId !== undefined) {
    query = query
      .where('target_type', '=', 'user')
      .where('target_id', '=', String(filter.targetUserId));
  }
  const recent = await query.orderBy('occurred_at', 'desc').limit(limit).execute();
  refuseOverLimit({
    count: recent.length,
    oldest: recent.at(-1)?.occurred_at ?? null, // the first of the counted rows to leave
    limit,
    windowMs: DAY_MS,
    now,
    message,
  });
}

/** Resends of one person's invitation in one account per 24 hours: no way to flood a mailbox. */
export const RESENDS_PER_DAY = 5;

interface Invitee {
  id: number;
  email: string;
  lang: string;
  /** No password yet: the link leads to creating one. */
  newUser: boolean;
}

async function findOrCreateInvitee(
  db: Db,
  input: Omit<InviteInput, 'client_id'>,
  now: Date,
): Promise<Invitee> {
  for (;;) {
    // A new person's id is random, not the next of a sequence: an inviter who compares the id
    // answered for an existing person with one of a person just created learns nothing.
    await db
      .insertInto('users')
      .values({
        id: randomInt(1, 2 ** 31 - 1),
        email: input.email,
        name: input.name || null,
        lang: input.lang,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.doNothing()) // the email exists, or (rarely) the id
      .execute();
    const user = await db
      .selectFrom('users')
      .select([
        'id',
        'email',
        'lang',
        'deleted_at',
        sql<boolean>`password_hash is null`.as('new_user'),
      ])
      .where('email', '=', input.email)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!user) continue; // the random id was taken: draw again
    if (user.deleted_at) {
      // A deleted person invited again starts over, without their old password or second factor
      // (the removal dropped them; a request that raced it must not bring one back). Their name
      // and language stay as they were: this account sees what it sent (on the membership), and
      // no other account's view changes.
      await db
        .updateTable('users')
        .set({ deleted_at: null, ...NO_LOGIN, updated_at: now })
        .where('id', '=', user.id)
        .execute();
      user.new_user = true;
    }
    // A person without a password has no language of their own yet: the invitation's is used.
    const lang = user.new_user ? input.lang : user.lang;
    return { id: user.id, email: user.email, lang, newUser: user.new_user };
  }
}

async function companyName(db: Db, accountId: number): Promise<string> {
  const account = await db
    .selectFrom('accounts')
    .select('company_name')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return account.company_name;
}

/** A new link for a membership: the invitation row, the membership's expiry, and the email. */
async function issueLink(
  db: Db,
  deps: InvitationDeps,
  args: {
    accountId: number;
    user: Invitee;
    invitedBy: number;
    now: Date;
    template: 'invitation_new_user' | 'invitation_existing_user' | 'invitation_resend';
    company: string;
    inviter: string;
  },
) {
  const token = newSecret();
  const expiresAt = new Date(args.now.getTime() + INVITATION_LIFETIME_MS);
  await db
    .insertInto('invitations')
    .values({
      account_id: args.accountId,
      user_id: args.user.id,
      token_hash: hashSecret(token),
      invited_by: args.invitedBy,
      new_user: args.user.newUser,
      created_at: args.now,
      expires_at: expiresAt,
    })
    .execute();
  await db
    .updateTable('memberships')
    .set({ invitation_expires_at: expiresAt, updated_at: args.now })
    .where('account_id', '=', args.accountId)
    .where('user_id', '=', args.user.id)
    .execute();
  await enqueueEmail(
    db,
    {
      to: args.user.email,
      template: args.template,
      lang: args.user.lang,
      payload: {
        company: args.company,
        inviter: args.inviter,
        link: emailedLink(deps.config.publicUrl, 'invitation', token),
        new_user: args.user.newUser,
      },
    },
    args.now,
  );
}

export async function resendInvitation(
  deps: InvitationDeps,
  caller: Caller,
  target: { clientId: number; userId: number },
  requestId: string,
) {
  if (target.clientId !== caller.accountId) throw notFound();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // The person first, as a removal and an acceptance take them (decision 037).
    await lockPerson(trx, target.userId);
    await authorizeInTransaction(trx, caller, 'users.resend_invite');
    const member = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'u.id',
        'u.email',
        invitationLang.as('lang'),
        'm.accepted_at',
        sql<boolean>`u.password_hash is null`.as('new_user'),
      ])
      .where('m.account_id', '=', caller.accountId)
      .where('m.user_id', '=', target.userId)
      .where('u.deleted_at', 'is', null)
      .forUpdate('m')
      .executeTakeFirst();
    if (!member) throw notFound();
    if (member.accepted_at) {
      throw new AppError(
        'invitation_already_accepted',
        'The user has already accepted the invitation.',
      );
    }
    await checkDailyCount(
      trx,
      { accountId: caller.accountId, targetUserId: member.id, action: 'user.invitation_resent' },
      RESENDS_PER_DAY,
      now,
      (hours) =>
        `This invitation was sent again ${RESENDS_PER_DAY} times today. Try again in ${hours} hours.`,
    );
    // Every earlier link dies with the new one.
    await trx
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('account_id', '=', caller.accountId)
      .where('user_id', '=', target.userId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const inviter = await trx
      .selectFrom('users')
      .select(['name', 'email'])
      .where('id', '=', caller.userId)
      .executeTakeFirstOrThrow();
    await issueLink(trx, deps, {
      accountId: caller.accountId,
      user: { id: member.id, email: member.email, lang: member.lang, newUser: member.new_user },
      invitedBy: caller.userId,
      now,
      template: 'invitation_resend',
      company: await companyName(trx, caller.accountId),
      inviter: inviter.name ?? inviter.email,
    });
    await auditBy(trx, caller, {
      action: 'user.invitation_resent',
      targetType: 'user',
      targetId: member.id,
      requestId,
      at: now,
    });
  });
  deps.onEmailQueued?.();
  return { status: 'sent' as const };
}

/**
 * The language of an invitation's emails and acceptance view: the person's own once they have a
 * password, else the one this account's invitation chose (another account's must not change it).
 */
const invitationLang = sql<string>`(case when u.password_hash is null
  then coalesce(m.invited_lang, u.lang) else u.lang end)`;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface LinkRow {
  account_id: number;
  user_id: number;
  email: string;
  lang: string;
  invited_name: string | null;
  company_name: string;
  new_user: boolean;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

async function findLink(db: Db, token: string): Promise<LinkRow | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .innerJoin('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('memberships as m', (join) =>
      join.onRef('m.account_id', '=', 'i.account_id').onRef('m.user_id', '=', 'i.user_id'),
    )
    .select([
      'i.account_id',
      'i.user_id',
      'u.email',
      invitationLang.as('lang'),
      'm.invited_name',
      'a.company_name',
      sql<boolean>`u.password_hash is null`.as('new_user'),
      'i.expires_at',
      'i.used_at',
      'i.revoked_at',
    ])
    .where('i.token_hash', '=', hashSecret(token))
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
}

function stateOf(link: LinkRow | undefined, now: Date): InvitationState['state'] {
  if (!link) return 'invalid';
  if (link.used_at) return 'used';
  // A link replaced by a resend is expired: the newer email holds the working one.
  if (link.revoked_at || link.expires_at <= now) return 'expired';
  return 'valid';
}

/**
 * What the acceptance view shows. Only a valid link reveals the email it was sent to and the name
 * it was sent with; a used or expired one still says its language, so its page speaks it.
 */
export async function invitationState(
  deps: InvitationDeps,
  token: string,
): Promise<InvitationState> {
  const link = await findLink(deps.db, token);
  const state = stateOf(link, deps.clock.now());
  if (!link || state !== 'valid') {
    return {
      state,
      email: null,
      company_name: link ? link.company_name : null,
      name: null,
      lang: link ? (link.lang as Language) : null,
      new_user: null,
      expires_at: null,
    };
  }
  return {
    state,
    email: link.email,
    company_name: link.company_name,
    name: link.invited_name,
    lang: link.lang as Language,
    new_user: link.new_user,
    expires_at: link.expires_at.toISOString(),
  };
}

const refusal = (state: InvitationState['state']) =>
  state === 'used'
    ? new AppError('invitation_used', 'This invitation has already been used. Sign in instead.')
    : state === 'expired'
      ? new AppError(
          'invitation_expired',
          'This invitation has expired. Ask the account administrator to resend it.',
        )
      : new AppError('invitation_invalid', 'This invitation link is not valid.');

export async function acceptInvitation(
  deps: InvitationDeps,
  token: string,
  body: AcceptInvitationBody,
  requestId: string,
) {
  const link = await findLink(deps.db, token);
  const state = stateOf(link, deps.clock.now());
  if (!link || state !== 'valid') throw refusal(state);

  let passwordHash: string | undefined;
  if (link.new_user) {
    if (body.password === undefined) {
      throw new AppError('validation_failed', 'Invalid input.', {
        password: ['This field is required.'],
      });
    }
    if (isCommonPassword(body.password)) {
      throw new AppError('validation_failed', 'Invalid input.', {
        password: [COMMON_PASSWORD_MESSAGE],
      });
    }
    passwordHash = await hashPassword(body.password); // slow on purpose: before the transaction
  } else if (body.password !== undefined) {
    throw new AppError('validation_failed', 'Invalid input.', {
      password: ['You already have a password: accept without one, and sign in with it.'],
    });
  }

  const now = deps.clock.now();
  const accepted = await deps.db.transaction().execute(async (trx) => {
    // The person first, as a removal takes them (decision 037): removed meanwhile, the link is
    // gone when this goes on; the other order deadlocked (link, membership, person against
    // person, membership, link).
    await lockPerson(trx, link.user_id);
    // The one conditional update that makes a link single-use: of concurrent accepts, one wins.
    const spent = await trx
      .updateTable('invitations')
      .set({ used_at: now })
      .where('token_hash', '=', hashSecret(token))
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['account_id', 'user_id'])
      .executeTakeFirst();
    if (!spent) return undefined;
    await trx
      .updateTable('memberships')
      .set({ accepted_at: now, invitation_expires_at: null, updated_at: now })
      .where('account_id', '=', spent.account_id)
      .where('user_id', '=', spent.user_id)
      .execute();
    if (passwordHash) {
      // Only if still without one: another account's invitation may have set it meanwhile. The
      // login becomes the person's as this invitation described them, unless they name themself.
      const name = body.name || link.invited_name;
      await trx
        .updateTable('users')
        .set({
          password_hash: passwordHash,
          lang: link.lang,
          updated_at: now,
          ...(name ? { name } : {}),
        })
        .where('id', '=', spent.user_id)
        .where('password_hash', 'is', null)
        .execute();
    }
    await recordAudit(trx, {
      accountId: spent.account_id,
      actorUserId: spent.user_id,
      action: 'invitation.accepted',
      targetType: 'user',
      targetId: spent.user_id,
      requestId,
    });
    return spent;
  });
  if (!accepted) throw refusal(stateOf(await findLink(deps.db, token), deps.clock.now()));
  return { status: 'accepted' as const, email: link.email, client_id: accepted.account_id };
}
