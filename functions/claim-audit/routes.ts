/**
 * A claim's audit result (智能审核结果) and the provider's appeal (申诉):
 *   GET  /v1/claims/{providerCode}/{claimNo}/audit     the rules hit, their explanations, the score,
 *                                                      what the region's alert policy made of it, the case
 *   POST /v1/claims/{providerCode}/{claimNo}/appeals   the provider disputes the hits, with a text
 * Staff read any claim's result; a regulator its region's claims; a provider its own claims. Anyone
 * else is answered exactly as for a claim that does not exist (404): whether another provider's
 * claim was flagged is not the caller's business.
 */
import * as z from 'zod';
import type { Principal } from '../../shared/auth/principal.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import type { RouteHandler } from '../../shared/http/api.ts';
import { conflict, notFound } from '../../shared/http/errors.ts';
import { appealId, appealRequestSchema, type Appeal } from '../../shared/fraud/appeal.ts';
import { explainThresholds, type ThresholdExplanations } from '../../shared/fraud/alerting.ts';
import { readAlertCase } from '../../shared/fraud/store/alert.ts';
import { readAppeals, recordAppeal } from '../../shared/fraud/store/appeal.ts';
import { readClaimState, type StoredScore } from '../../shared/fraud/store/scoring.ts';
import { fraudRulesKind } from '../../shared/policy/fraud-rules.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { claimNoSchema, providerCodeSchema } from '../../shared/settlement/bill.ts';

export const claimAuditParams = z.object({ providerCode: providerCodeSchema, claimNo: claimNoSchema });

const missing = (p: { providerCode: string; claimNo: string }) =>
  notFound(`No audit result for claim ${p.claimNo} of provider ${p.providerCode} (no such claim, or not audited yet)`);

/** Staff, the claim's region's regulator, or the claim's own provider. */
function mayRead(principal: Principal, score: StoredScore): boolean {
  switch (principal.role) {
    case 'staff':
      return true;
    case 'regulator':
      return principal.region === score.region;
    case 'provider':
      return principal.providerCode === score.providerCode;
  }
}

/** The claim's current score, if the caller may see it; otherwise the same 404 as a missing claim. */
async function visibleScore(principal: Principal, params: z.infer<typeof claimAuditParams>): Promise<StoredScore> {
  // A provider asking for another provider's claim is not told whether it exists (nothing is read).
  if (principal.role === 'provider' && principal.providerCode !== params.providerCode) throw missing(params);
  const { score } = await readClaimState(params);
  if (!score || !mayRead(principal, score)) throw missing(params);
  return score;
}

/** The thresholds of the catalogue that judged the claim, in its own words. */
async function thresholdsOf(
  catalogue: StoredScore['catalogue'],
): Promise<{ claimScore: number; providerScore: number; explanations: ThresholdExplanations } | undefined> {
  if (!catalogue) return undefined;
  const found = (await policies.versions(fraudRulesKind, { region: catalogue.region })).find((v) => v.policy.version === catalogue.version);
  if (!found) return undefined;
  const { thresholds } = found.policy;
  return { claimScore: thresholds.claimScore, providerScore: thresholds.providerScore, explanations: explainThresholds(found.policy) };
}

const appealView = (a: Appeal) => ({ appealId: a.appealId, by: a.by, at: a.at, text: a.text, caseStatus: a.caseStatus });

export const getClaimAuditRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  const params = request.params(claimAuditParams);
  const score = await visibleScore(principal, params);
  const [thresholds, found, appeals] = await Promise.all([
    thresholdsOf(score.catalogue),
    score.alertId ? readAlertCase(score.alertId) : undefined,
    score.alertId ? readAppeals(score.alertId) : [],
  ]);
  return {
    statusCode: 200,
    body: {
      claim: { providerCode: score.ref.providerCode, claimNo: score.ref.claimNo },
      region: score.region,
      memberId: score.memberId,
      scoredAt: score.scoredAt,
      reversed: score.reversed === true,
      ...(score.catalogue ? { catalogue: score.catalogue } : {}),
      ...(score.knowledge ? { knowledge: score.knowledge } : {}),
      score: score.score,
      threshold: score.threshold,
      severity: score.severity,
      result: score.result,
      atStakeFen: score.atStakeFen,
      hits: score.hits.map(({ ruleId, type, title, severity, result, weight, findings, explanations, amountFen, lines }) => ({
        ruleId,
        type,
        title,
        severity,
        result,
        weight,
        findings,
        explanations,
        amountFen,
        lines,
      })),
      alerting: score.alerting ?? { reason: score.alertId ? '得分达到告警阈值，已生成告警。' : '得分低于告警阈值。' },
      ...(thresholds ? { thresholds } : {}),
      ...(found
        ? {
            case: {
              alertId: score.alertId,
              tier: found.alert.tier ?? 'alert',
              status: found.alert.status,
              updatedAt: found.alert.updatedAt,
              appeals: appeals.map(appealView),
            },
          }
        : {}),
    },
  };
};

export const appealClaimAuditRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  // 申诉 is the provider's own act: staff and regulators work the case, they do not appeal it.
  requireRole(principal, 'provider');
  const params = request.params(claimAuditParams);
  const body = request.body(appealRequestSchema);
  const score = await visibleScore(principal, params);
  if (!score.alertId) {
    throw conflict(`Claim ${params.claimNo} raised no alert or review item: there is no case to appeal`, {
      field: 'claimNo',
      rule: 'no_case',
      score: score.score,
    });
  }
  const found = await readAlertCase(score.alertId);
  if (!found) throw missing(params);
  const at = new Date().toISOString();
  const { appeal, replay } = await recordAppeal({
    appealId: appealId(score.alertId, principal.sub, body.text),
    alertId: score.alertId,
    providerCode: score.providerCode,
    claimNo: score.ref.claimNo,
    by: principal.sub,
    at,
    text: body.text,
    caseStatus: String(found.alert.status),
  });
  return {
    statusCode: replay ? 200 : 201,
    ...(replay ? { headers: { 'x-idempotent-replay': 'true' } } : {}),
    body: { appeal: { ...appealView(appeal), alertId: appeal.alertId } },
  };
};
