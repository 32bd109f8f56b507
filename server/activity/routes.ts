import { Hono } from 'hono';
import { activityPage as activityPageSchema, activityQuery } from '../../shared/activity.ts';
import * as routes from '../../shared/routes.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { csvHeader, csvLine } from './csv.ts';
import { activityPage, allActivity } from './repository.ts';
import { ACTIVITY_COUNT_BOUND } from '../../shared/activity-count.ts';
import { COUNT_EXACT_HEADER, pageLinks } from '../http/page-links.ts';
import type { Config } from '../config.ts';

export const activityOperations = {
  list: operation(routes.listActivity, {
    summary:
      "The account's audit trail, newest first (Administrators): who did what to whom, when, from which IP, through a session or which API token. A page's `next` and `previous` links carry a keyset `cursor`; `count` is exact up to 1,000 (header `X-Count-Exact`), past it 1,001. With `format=csv` or `Accept: text/csv`: every matching row as CSV",
    query: activityQuery,
    responses: {
      200: {
        description: 'A page of audit rows (or the CSV download)',
        schema: activityPageSchema,
      },
    },
  }),
};

/**
 * `GET /iam/activity_log/actions`: the caller's account's audit rows only. A filter naming a
 * person or an object of another account is not refused (former members keep their history here,
 * so "not a member" cannot be an error): it simply matches nothing.
 */
export function activityRoutes(deps: AuthDeps & { config: Config }) {
  const { db } = deps;
  const op = activityOperations.list;
  return new Hono<AppEnv>().get(
    op.path,
    authenticate(deps),
    validate('query', op.query),
    async (c) => {
      const caller = await authorize(c, db, 'activity.read');
      const { limit, offset, cursor, format, ...filters } = c.req.valid('query');
      const csv =
        format === 'csv' ||
        (format === undefined && /\btext\/csv\b/i.test(c.req.header('Accept') ?? ''));
      if (!csv) {
        const page = await activityPage(db, caller.accountId, filters, { limit, offset, cursor });
        c.header(COUNT_EXACT_HEADER, String(page.count <= ACTIVITY_COUNT_BOUND));
        return c.json({
          count: page.count,
          ...pageLinks(deps.config.publicUrl + op.path, c.req.url, { limit, offset }, page),
          results: page.results,
        });
      }

      // Streamed a batch at a time, pulled as the client reads: a large export never sits in
      // memory, and one the client abandons stops reading the database.
      const batches = allActivity(db, caller.accountId, filters);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          // A byte-order mark, so that spreadsheets read the names as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${csvHeader()}`));
        },
        async pull(controller) {
          const next = await batches.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value.map(csvLine).join('')));
        },
        async cancel() {
          await batches.return(undefined);
        },
      });
      const day = new Date().toISOString().slice(0, 10);
      return c.body(body, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="activity-${caller.accountId}-${day}.csv"`,
        'Cache-Control': 'no-store',
      });
    },
  );
}
