/**
 * POST /v1/members/bulk: staff send a file (CSV or JSON-lines, up to 1,000 rows) or rows already
 * read from one (what `npm run enrol:bulk` sends, a chunk at a time), and get a row-by-row report.
 */
import { requireRole } from '../../../shared/auth/principal.ts';
import { badRequest } from '../../../shared/http/errors.ts';
import type { RouteHandler } from '../../../shared/http/api.ts';
import { MAX_ROWS_PER_REQUEST, readBulkText, type BulkRow } from '../../../shared/enrolment/bulk.ts';
import { bulkRequestSchema } from '../schemas.ts';
import { clockNow } from '../services/common.ts';
import { runBulk } from '../services/bulk.ts';

/**
 * Rows are started only within this budget; the rest come back `deferred`. It leaves the rows in
 * hand time to finish (and be grouped into transactions) inside the function's 29 s.
 */
const TIME_BUDGET_MS = 12_000;

export const bulkRoute: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff');
  const body = request.body(bulkRequestSchema);
  const read =
    body.content !== undefined
      ? readBulkText(body.content, body.format!)
      : { rows: body.rows!.map(({ rowNumber, ...record }): BulkRow => ({ rowNumber, record })), unreadable: [] };
  if (read.rows.length + read.unreadable.length > MAX_ROWS_PER_REQUEST) {
    const message = `at most ${MAX_ROWS_PER_REQUEST} rows per request; send a larger file in chunks (npm run enrol:bulk does)`;
    throw badRequest(`body.content: ${message}`, { problems: [{ field: 'body.content', rule: 'too_many_rows', message }] });
  }
  const deadline = Date.now() + TIME_BUDGET_MS;
  const report = await runBulk(
    body.kind,
    read.rows,
    read.unreadable,
    { clock: clockNow(), correlationId: request.correlationId, dryRun: body.dryRun, logger: request.logger },
    deadline,
  );
  request.logger.info('Bulk', {
    kind: report.kind,
    received: report.received,
    written: report.written,
    unchanged: report.unchanged,
    rejected: report.rejected,
    deferred: report.deferred,
    dryRun: report.dryRun,
  });
  return { statusCode: 200, body: report };
};
