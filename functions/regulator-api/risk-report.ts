/**
 * GET /v1/reports/risk/{region}/{year}: providers ranked by risk and rule hits by type and month
 * (shared/fraud/risk-report.ts), for a regulator of the region or staff. Computed here from the
 * region's alerts of the year, so the console draws a year without paging through its inbox.
 */
import * as z from 'zod';
import { requireRole } from '../../shared/auth/principal.ts';
import type { RouteHandler } from '../../shared/http/api.ts';
import { forbidden } from '../../shared/http/errors.ts';
import { riskReport } from '../../shared/fraud/risk-report.ts';
import { regionAlertFacts } from '../../shared/fraud/store/alert.ts';

export const riskReportParams = z.object({
  region: z.string().regex(/^\d{6}$/, 'a region code is the 6-digit administrative division code'),
  year: z.coerce.number().int().min(2000).max(2100),
});

export const riskReportRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator', 'staff');
  const { region, year } = request.params(riskReportParams);
  if (principal.role === 'regulator' && principal.region !== region) {
    throw forbidden(`A regulator of ${principal.region} may not read region ${region}`, { field: 'region' });
  }
  // raisedAt is an instant; a day either side of the calendar year covers the agency's time zone, and the report keeps the year's own.
  const facts = await regionAlertFacts(region, `${year - 1}-12-31`, `${year + 1}-01-01\uffff`);
  return { statusCode: 200, body: { region, ...riskReport(year, facts) } };
};
