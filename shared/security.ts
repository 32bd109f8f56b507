import * as z from 'zod/mini';
import { described } from './fields.ts';
// The bound lives with the widget's zod-free form checks, which the widget imports it from.
import { MAX_GRACE_PERIOD_DAYS } from './form-checks.ts';

/**
 * An account that requires two-factor authentication (docs/decisions/026): the setting, its
 * answers, and the one function that says where a member stands. No I/O: the BFF and the widget
 * read the same words.
 */

export { MAX_GRACE_PERIOD_DAYS };
const DAY_MS = 24 * 60 * 60_000;

const graceDays = z
  .int({ error: 'A valid integer is required.' })
  .check(
    z.gte(0, 'Ensure this value is greater than or equal to 0.'),
    z.lte(
      MAX_GRACE_PERIOD_DAYS,
      `Ensure this value is less than or equal to ${MAX_GRACE_PERIOD_DAYS}.`,
    ),
  );

/** `PUT /iam/clients/{clientId}/security`. Without `grace_period_days`, the current one stays. */
export const securitySettingsBody = z.strictObject({
  require_2fa: z.boolean({ error: 'Must be true or false.' }),
  grace_period_days: z.optional(graceDays),
});
export type SecuritySettingsBody = z.input<typeof securitySettingsBody>;

export const securitySettings = z.object({
  require_2fa: z.boolean(),
  grace_period_days: described(
    z.int(),
    'days members without 2FA are served normally once the requirement starts (0–30)',
  ),
  required_since: described(
    z.nullable(z.string()),
    'when the requirement started (null: not required)',
  ),
  grace_period_ends_at: described(
    z.nullable(z.string()),
    'required_since + grace_period_days; after it, a session without 2FA gets 403 two_fa_required',
  ),
  noncompliant_members: described(
    z.int(),
    'joined members without 2FA while the account requires it (GET /iam/users?two_fa_compliant=false)',
  ),
});
export type SecuritySettings = z.infer<typeof securitySettings>;

export const reminderSent = z.object({
  status: z.literal('sent'),
  recipients: described(z.int(), 'members without 2FA who were emailed'),
});
export type ReminderSent = z.infer<typeof reminderSent>;

/**
 * Where the caller stands, in `GET /iam/clients/me`: `not_required`, `met` (2FA is on), `grace`
 * (required, not on, still served: the widget shows a banner), `setup_required` (the grace
 * period is over: a session is served only what setting 2FA up needs).
 */
export const TWO_FA_STATES = ['not_required', 'met', 'grace', 'setup_required'] as const;
export type TwoFaState = (typeof TWO_FA_STATES)[number];

export const twoFaRequirement = z.object({
  required: described(z.boolean(), 'the account requires two-factor authentication'),
  grace_period_ends_at: z.nullable(z.string()),
  state: z.enum(TWO_FA_STATES),
  days_left: described(
    z.nullable(z.int()),
    'in `grace`: whole days until the grace period ends, rounded up',
  ),
});
export type TwoFaRequirement = z.infer<typeof twoFaRequirement>;

/** The account's side: whether it requires 2FA, since when and with how many days of grace. */
export interface TwoFaPolicy {
  requiredSince: Date | null;
  graceDays: number;
}

export function graceEndsAt(policy: TwoFaPolicy): Date | null {
  if (!policy.requiredSince) return null;
  return new Date(policy.requiredSince.getTime() + policy.graceDays * DAY_MS);
}

/** The rule: where a member with (or without) 2FA stands in an account at `now`. */
export function twoFaStateOf(policy: TwoFaPolicy, twoFaOn: boolean, now: Date): TwoFaState {
  const ends = graceEndsAt(policy);
  if (!ends) return 'not_required';
  if (twoFaOn) return 'met';
  return now < ends ? 'grace' : 'setup_required';
}

export function twoFaRequirementOf(
  policy: TwoFaPolicy,
  twoFaOn: boolean,
  now: Date,
): TwoFaRequirement {
  const ends = graceEndsAt(policy);
  const state = twoFaStateOf(policy, twoFaOn, now);
  return {
    required: ends !== null,
    grace_period_ends_at: ends?.toISOString() ?? null,
    state,
    days_left:
      state === 'grace' && ends ? Math.ceil((ends.getTime() - now.getTime()) / DAY_MS) : null,
  };
}
