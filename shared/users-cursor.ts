/**
 * The Users list's keyset cursors (docs/decisions/022 and 028): base64url of a JSON array.
 * `[ordering, ...sort values, user id]` starts the page after that row; `['<', ordering, ...sort
 * values, user id]` ends the page before it (Previous); `['<', ordering]` ends the page at the
 * list's end (Last). The BFF makes and reads them; the widget only makes the last one. No zod
 * here: the widget imports this file.
 */

/**
 * The longest cursor accepted: more than the longest the BFF makes, whose sort value is a name of
 * 255 characters, each up to 6 bytes as JSON (`\uXXXX`): about 2,100 characters of base64url.
 */
export const CURSOR_MAX_CHARS = 4096;

/** Marks a cursor whose page ends before its row (or at the list's end). */
export const BEFORE = '<';

export function encodeCursor(parts: readonly unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(parts));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The cursor of the list's last page in this ordering (`''`: by id). */
export function lastPageCursor(ordering: string): string {
  return encodeCursor([BEFORE, ordering || 'id']);
}
