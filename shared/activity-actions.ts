/**
 * The actions the BFF records, in the order the Activity panel offers them. The log may hold
 * others (a newer BFF's): the filter accepts any well-formed name, the panel shows it as it is.
 */
export const ACTIVITY_ACTIONS = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.account_switched',
  'auth.refresh_token_reused',
  'account.created',
  'user.invited',
  'user.invitation_resent',
  'invitation.accepted',
  'user.updated',
  'user.role_changed',
  'user.removed',
  'user.email_change_requested',
  'user.email_changed',
  'user.password_changed',
  'two_fa.enabled',
  'two_fa.backup_codes_replaced',
  'two_fa.disable_requested',
  'project.created',
  'cloud_role.assigned',
  'cloud_role.changed',
  'cloud_role.removed',
  'token.created',
  'token.deleted',
  'permission.denied',
] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

export function isActivityAction(action: string): action is ActivityAction {
  return (ACTIVITY_ACTIONS as readonly string[]).includes(action);
}
