/**
 * The audit trail's matching rows are counted exactly up to this many; past it, `count` is one
 * more and means "more than this" (header `X-Count-Exact: false`): an account's trail grows without
 * end, and counting all of it would cost every page more than the page itself
 * (docs/decisions/038-the-audit-trail-at-any-size.md). No zod here: the widget imports this file.
 */
export const ACTIVITY_COUNT_BOUND = 1000;
