import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MIN_LENGTH } from '../../shared/invitations.ts';

/**
 * PRODUCT.md's policy, after NIST SP 800-63B: a length range (checked by the shared zod schema)
 * and no composition rules, but passwords from breach lists refused. The list is zxcvbn-ts's
 * 49,000 most common passwords; only those long enough to pass the length check matter.
 */
const COMMON_PASSWORDS = new Set(
  (dictionary['passwords-common'] as string[]).filter((word) => word.length >= PASSWORD_MIN_LENGTH),
);

export const COMMON_PASSWORD_MESSAGE = 'This password is too common.';

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
