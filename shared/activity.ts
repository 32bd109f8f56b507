import * as z from 'zod/mini';
import { ACTIVITY_COUNT_BOUND } from './activity-count.ts';
import { described, idParam, integerParam, listParam, maxChars } from './fields.ts';

/**
 * The account's audit trail: `GET /iam/activity_log/actions` (an addition to Gcore's API). The
 * action names the widget knows are in ./activity-actions.ts (no schema there: the widget's bundle).
 */

const actionName = z
  .string()
  .check(z.regex(/^[a-z][a-z_]*\.[a-z_]+$/, 'Enter an action name such as user.invited.'));

/** A cursor is a row's time and id: far shorter than this. */
const ACTIVITY_CURSOR_MAX_CHARS = 256;
export const ACTIVITY_CURSOR_MESSAGE =
  'Invalid cursor: use the `next` or `previous` link of a page with the same filters.';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A moment: an ISO 8601 date-time with its offset, or a date (UTC). As the end of a range, a date
 * means the end of that day, so "to 2026-12-01" includes the first of December.
 */
const moment = /* @__NO_SIDE_EFFECTS__ */ (end: boolean) =>
  z.pipe(
    z.string().check(
      z.trim(),
      z.regex(
        /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))?$/,
        'Enter a date (2026-12-01) or a date and time with its offset (2026-12-01T09:00:00Z).',
      ),
      z.refine((value) => !Number.isNaN(Date.parse(value)), 'Enter a valid date.'),
    ),
    z.transform((value) => {
      const at = new Date(value);
      return end && DATE_ONLY.test(value) ? new Date(at.getTime() + DAY_MS) : at;
    }),
  );

export const activityQuery = z
  .object({
    actor_id: described(z.optional(idParam), 'the person who acted'),
    actor: described(
      z.optional(z.string().check(z.trim(), maxChars(254))),
      "case-insensitive substring of the actor's email or name",
    ),
    action: described(z.optional(listParam(actionName)), 'action names; repeat or comma-separate'),
    target_type: described(
      z.optional(z.string().check(z.regex(/^[a-z_]{1,32}$/, 'Enter a target type such as user.'))),
      'user, token, project, cloud_role_assignment, action, …',
    ),
    target_id: described(z.optional(z.string().check(z.trim(), maxChars(64))), 'exact'),
    target: described(
      z.optional(z.string().check(z.trim(), maxChars(254))),
      "case-insensitive substring of the target person's email or name, or the target's id",
    ),
    user_id: described(z.optional(idParam), 'the person who acted or was acted on'),
    date_from: described(z.optional(moment(false)), 'from this moment on (inclusive)'),
    date_to: described(
      z.optional(moment(true)),
      'before this moment (exclusive); a date: to the end of that day',
    ),
    format: described(
      z.optional(z.enum(['json', 'csv'], { error: 'Must be one of: json, csv.' })),
      'csv: every matching row (not a page) as a CSV download; so does `Accept: text/csv`',
    ),
    limit: z._default(integerParam(1, 1000), 10),
    offset: z._default(integerParam(0), 0),
    cursor: described(
      z.optional(
        z
          .string()
          .check(
            maxChars(ACTIVITY_CURSOR_MAX_CHARS),
            z.regex(/^[A-Za-z0-9_-]+$/, ACTIVITY_CURSOR_MESSAGE),
          ),
      ),
      'where the page starts (keyset); from the `next` or `previous` link of a page with the same filters',
    ),
  })
  .check(
    z.refine((q) => !q.date_from || !q.date_to || q.date_from < q.date_to, {
      error: 'Must be later than date_from.',
      path: ['date_to'],
    }),
  );
export type ActivityQuery = z.output<typeof activityQuery>;
export type ActivityQueryInput = z.input<typeof activityQuery>;

const person = z.object({
  id: z.int(),
  name: z.nullable(z.string()),
  email: z.nullable(z.string()),
});

export const activityEntry = z.object({
  id: z.int(),
  date: z.string(),
  action: z.string(),
  actor: described(z.nullable(person), 'as the account knew them then; null: nobody signed in'),
  via: described(
    z.nullable(z.enum(['session', 'identity_provider', 'api_token'])),
    'how the actor was authenticated; null for a sign-in itself',
  ),
  token: described(
    z.nullable(z.object({ id: z.int(), name: z.nullable(z.string()) })),
    'the API token the actor used',
  ),
  target: z.nullable(
    z.object({
      type: z.string(),
      id: z.nullable(z.string()),
      name: z.nullable(z.string()),
      email: z.nullable(z.string()),
    }),
  ),
  ip: z.nullable(z.string()),
  request_id: z.nullable(z.string()),
  details: z.record(z.string(), z.unknown()),
});
export type ActivityEntry = z.infer<typeof activityEntry>;

export const activityPage = z.object({
  count: described(
    z.int(),
    `exact up to ${ACTIVITY_COUNT_BOUND}; ${ACTIVITY_COUNT_BOUND + 1} means more than ${ACTIVITY_COUNT_BOUND} (header X-Count-Exact: false)`,
  ),
  next: described(z.nullable(z.string()), 'the next (older) page, by keyset cursor'),
  previous: described(z.nullable(z.string()), 'the previous (newer) page'),
  results: z.array(activityEntry),
});
export type ActivityPage = z.infer<typeof activityPage>;
