/**
 * Adjudication: one-stop settlement (一站式结算) for provider systems.
 *   POST /v1/claims/pre-settle                              预结算: the statement, nothing stored
 *   POST /v1/claims                                         settle: stored, idempotent by provider + claim number
 *   GET  /v1/claims/{providerCode}/{claimNo}                the claim, its statement and its ledger
 *   POST /v1/claims/{providerCode}/{claimNo}/reversal       冲正/退费: negative ledger entry, accumulators restored
 * Providers act only for themselves; staff for any provider; regulators read their region's claims.
 */
import * as z from 'zod';
import { requireActingFor, requireRole, type Principal } from '../../shared/auth/principal.ts';
import { httpApi, type ApiRequest } from '../../shared/http/api.ts';
import { forbidden, notFound } from '../../shared/http/errors.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor.ts';
import { providerClaimsPage, providerYearKey, readClaim, readLedger, type ClaimRecord } from '../../shared/settlement/store/claims.ts';
import { createLogger } from '../../shared/runtime/logger.ts';
import { claimParams, parseBill, providerClaimsParams, providerClaimsQuery, reversalBody } from './requests.ts';
import { reverseClaim } from './reverse.ts';
import { preSettle, settleClaim } from './settle.ts';

const logger = createLogger('adjudication');

/** Marks a replayed answer, so an integrator can tell a retry's echo from a fresh settlement. */
const replayHeaders = (replay: boolean): Record<string, string> => (replay ? { 'x-idempotent-replay': 'true' } : {});

const claimView = (r: ClaimRecord) => ({
  providerCode: r.providerCode,
  claimNo: r.claimNo,
  memberId: r.memberId,
  status: r.status,
  settlementNo: r.settlementNo,
  settledAt: r.settledAt,
  ...(r.reversal ? { reversal: r.reversal } : {}),
});

/** A provider for itself, or staff; the bill names the provider it is for. */
function billFrom(request: ApiRequest) {
  const principal = request.principal();
  requireRole(principal, 'provider', 'staff');
  // The body is parsed as JSON by httpApi, then checked here so cross-field rules are named (line_total…).
  const bill = parseBill(request.body(z.unknown()));
  requireActingFor(principal, bill.providerCode);
  return { principal, bill };
}

function requireClaimVisible(principal: Principal, claim: ClaimRecord): void {
  if (principal.role === 'regulator') {
    if (principal.region !== claim.region) throw forbidden(`claim ${claim.claimNo} belongs to region ${claim.region}`, { field: 'region' });
    return;
  }
  requireActingFor(principal, claim.providerCode);
}

export const handler = httpApi(logger, 'adjudication', {
  preSettleClaim: async (request) => {
    const { bill } = billFrom(request);
    const { statement, audit } = await preSettle(bill);
    return { statusCode: 200, body: { preSettlement: true, statement, ...(audit ? { audit } : {}) } };
  },

  settleClaim: async (request) => {
    const { principal, bill } = billFrom(request);
    const { statusCode, record } = await settleClaim(bill, principal.sub, request.correlationId, logger, request.signal);
    return {
      statusCode,
      headers: replayHeaders(statusCode === 200),
      body: { claim: claimView(record), statement: record.statement },
    };
  },

  getClaim: async (request) => {
    const principal = request.principal();
    const { providerCode, claimNo } = request.params(claimParams);
    // Another provider's or region's claim answers exactly as a missing one: the caller learns nothing.
    const mayAsk = principal.role !== 'provider' || principal.providerCode === providerCode;
    const claim = mayAsk ? await readClaim(providerCode, claimNo) : undefined;
    if (!claim || (principal.role === 'regulator' && principal.region !== claim.region))
      throw notFound(`no claim ${claimNo} of provider ${providerCode}`);
    return {
      statusCode: 200,
      body: { claim: claimView(claim), statement: claim.statement, ledger: await readLedger(providerCode, claimNo) },
    };
  },

  listProviderClaims: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'provider', 'staff');
    const { providerCode } = request.params(providerClaimsParams);
    requireActingFor(principal, providerCode);
    const q = request.query(providerClaimsQuery);
    const partition = providerYearKey(providerCode, q.year);
    const page = await providerClaimsPage(
      providerCode,
      q.year,
      q.limit,
      q.cursor ? decodeCursor(q.cursor, (key) => key.gsi2pk === partition) : undefined,
    );
    return {
      statusCode: 200,
      body: { providerCode, year: q.year, claims: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) },
    };
  },

  reverseClaim: async (request) => {
    const principal = request.principal();
    requireRole(principal, 'provider', 'staff');
    const { providerCode, claimNo } = request.params(claimParams);
    requireActingFor(principal, providerCode);
    const body = request.body(reversalBody);
    const { record, entry, replay } = await reverseClaim(
      { providerCode, claimNo, ...body },
      principal.sub,
      request.correlationId,
      logger,
      (claim) => requireClaimVisible(principal, claim),
    );
    return {
      statusCode: 200,
      headers: replayHeaders(replay),
      body: {
        claim: claimView(record),
        ...(entry ? { ledgerEntry: entry } : {}),
        yearToDateRestored: Object.fromEntries(Object.entries(record.statement.yearToDate.deltas).map(([k, v]) => [k, -v])),
      },
    };
  },
});
