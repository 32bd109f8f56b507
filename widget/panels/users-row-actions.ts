import { can, type Action, type Actor } from '../../shared/permissions.ts';
import type { User } from '../../shared/users.ts';
import type { RowMenuItem } from '../components/row-menu.ts';
import type { LocalizeController } from '../controllers/localize.ts';

/** What the Users panel's row menu offers. */
export type RowAction = 'edit' | 'logins' | 'resend-invite' | 'delete';

/**
 * The row menu's items for `user`, as `actor` may use them (`can()` of shared/permissions.ts; the
 * BFF enforces the same rules). Empty means no menu on that row.
 *
 * Edit user is the Administrators' form (PRODUCT.md "Edit user"): IAM role and Cloud access, and
 * the profile where this account may change it (the dialog shows it read-only otherwise). A member
 * edits their own profile in the Account panel instead.
 */
export function usersRowActions(
  actor: Actor,
  user: User,
  currentUser: number | undefined,
  localize: LocalizeController,
): (RowMenuItem & { id: RowAction })[] {
  const may = (action: Action, target?: { userId: number }) => can(actor, action, target);
  const items: (RowMenuItem & { id: RowAction })[] = [];
  if (may('users.change_role', { userId: user.id }) && may('cloud.manage')) {
    items.push({ id: 'edit', label: localize.t('users.action.edit') });
  }
  // Not one's own (the Account panel has it), nor an invitee's: none to read (decision 018).
  const other = user.status === 'active' && user.id !== currentUser;
  if (other && may('logins.read', { userId: user.id })) {
    items.push({ id: 'logins', label: localize.t('users.action.logins') });
  }
  if (user.status !== 'active' && may('users.resend_invite')) {
    items.push({ id: 'resend-invite', label: localize.t('users.action.resendInvite') });
  }
  if (may('users.delete', { userId: user.id })) {
    items.push({ id: 'delete', label: localize.t('users.action.delete'), danger: true });
  }
  return items;
}
