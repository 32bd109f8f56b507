/**
 * The emailed links: each opens the host page at PUBLIC_URL with a token in one query parameter,
 * which the widget reads to show the matching view (API.md "Email"). The BFF writes them, the
 * widget reads them; both take the names from here.
 */
export const LINK_PARAMS = {
  /** An invitation: the acceptance view. */
  invitation: 'token',
  /** A new email address's confirmation. */
  confirmEmail: 'confirm_email_token',
  /** Turning two-factor authentication off. */
  disable2fa: 'disable_2fa_token',
} as const;

export type LinkKind = keyof typeof LINK_PARAMS;

/** The link of `kind` carrying `token`, on the host page at `publicUrl` (never a request's Host). */
export function emailedLink(publicUrl: string, kind: LinkKind, token: string): string {
  return `${publicUrl}/?${LINK_PARAMS[kind]}=${encodeURIComponent(token)}`;
}
