/**
 * Pre-settlement audit (事前/事中提醒): the smart-audit rules a bill would hit if it were settled now,
 * so the HIS can warn the doctor before the patient pays. The bill is seen exactly as the fraud
 * consumer will see it once settled (the ClaimSettled payload built from the same statement, through
 * fromClaimSettled) and judged by the same entry point (judgeClaim: the region's catalogue, the
 * member's history in the fraud projection, the alert policy). Nothing is stored: the member's
 * history does not learn of a bill that was only pre-settled.
 */
import { ClaimSettled } from '../../events/claims.ts';
import type { AlertTier } from '../../shared/fraud/alerting.ts';
import { fromClaimSettled } from '../../shared/fraud/claim.ts';
import type { ClaimScore, RuleHit } from '../../shared/fraud/engine.ts';
import type { Severity } from '../../shared/fraud/rules/define.ts';
import { judgeClaim, type JudgeLookups } from '../../shared/fraud/store/judge.ts';
import { catalogueLookup } from '../../shared/policy/store/catalogue-lookup.ts';
import { knowledgeLookup } from '../../shared/policy/store/knowledge-lookup.ts';
import type { ClaimRecord } from '../../shared/settlement/store/claims.ts';
import type { Statement } from '../../shared/settlement/statement.ts';
import { claimSettledPayload } from '../../shared/settlement/store/claim-events.ts';
import type { SettlementContext } from './settle.ts';

export interface PreSettleAudit {
  /** The catalogue that judged the bill, and the knowledge-base layers its rules read. */
  catalogue: { region: string; version: number };
  knowledge: ClaimScore['knowledge'];
  score: number;
  threshold: number;
  /** What settling it would raise: a threshold alert, a review item for the regulator, or nothing. */
  wouldRaise: AlertTier | null;
  severity: Severity | null;
  reason: string;
  /** Each rule the bill would hit, with its explanations and the lines it names (HIS line numbers). */
  hits: Pick<RuleHit, 'ruleId' | 'type' | 'title' | 'severity' | 'result' | 'weight' | 'explanations' | 'amountFen' | 'lines'>[];
}

/** The catalogues and knowledge-base layers in force, as the fraud consumer reads them (built once per container). */
let registryLookups: JudgeLookups | undefined;
const defaultLookups = (): JudgeLookups => (registryLookups ??= { catalogueFor: catalogueLookup(), knowledgeFor: knowledgeLookup() });

export async function preSettleAudit(
  context: SettlementContext,
  statement: Statement,
  at: string,
  lookups: JudgeLookups = defaultLookups(),
): Promise<PreSettleAudit | undefined> {
  const { bill, member } = context;
  // The claim as it would be recorded (settlement 1 of a bill not yet settled): the payload the consumer will read.
  const record: ClaimRecord = {
    providerCode: bill.providerCode,
    claimNo: bill.claimNo,
    memberId: bill.memberId,
    region: member.enrolment.region,
    scheme: member.enrolment.scheme,
    year: statement.yearToDate.year,
    status: 'settled',
    settlementNo: 1,
    billHash: '',
    bill,
    statement,
    settledAt: at,
    settledBy: 'pre-settle',
  };
  const claim = fromClaimSettled(ClaimSettled.payload.parse(claimSettledPayload(record, member, context.provider)));
  const judged = await judgeClaim(claim, lookups);
  if (!judged) return undefined;
  const { score, decision } = judged;
  return {
    catalogue: score.catalogue,
    knowledge: score.knowledge,
    score: score.score,
    threshold: score.threshold,
    wouldRaise: decision.tier ?? null,
    severity: decision.severity ?? null,
    reason: `若按此结算：${decision.reason}`,
    hits: score.hits.map(({ ruleId, type, title, severity, result, weight, explanations, amountFen, lines }) => ({
      ruleId,
      type,
      title,
      severity,
      result,
      weight,
      explanations,
      amountFen,
      lines,
    })),
  };
}
