/**
 * Judging one claim against its region's rule library: the catalogue in force on its first day of
 * care, the knowledge base (知识库) the rules read, what the member's history and trace scans hold
 * inside the rules' windows, the engine's
 * score, and what the region's alert policy makes of it. The one way a claim is judged: the fraud
 * consumer after settlement and pre-settlement (事前/事中提醒) before it both call this, so a bill
 * hits before payment exactly the rules it would hit once settled.
 */
import type { CatalogueLookup } from '../../policy/fraud-rules.ts';
import type { KnowledgeLookup } from '../../policy/store/knowledge-lookup.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { decideAlert, type AlertDecision } from '../alerting.ts';
import type { FraudClaim } from '../claim.ts';
import { historyRange, scoreClaim, type ClaimScore } from '../engine.ts';
import type { FraudCatalogue } from '../rule-catalogue.ts';
import { directReads, type FraudReads } from './scoring.ts';

export interface Judgement {
  catalogue: FraudCatalogue;
  /** The knowledge base the rules read (the projection keeps what later claims need of it). */
  knowledge: KnowledgeBase;
  score: ClaimScore;
  decision: AlertDecision;
}

/** Where the rules and what they read come from (the registry's versions in force; tests hand in their own). */
export interface JudgeLookups {
  catalogueFor: CatalogueLookup;
  knowledgeFor: KnowledgeLookup;
}

/** Undefined when no catalogue is in force for the claim's region and date (not even the baseline). */
export async function judgeClaim(
  claim: FraudClaim,
  lookups: JudgeLookups,
  reads: Pick<FraudReads, 'memberContext'> = directReads,
): Promise<Judgement | undefined> {
  const catalogue = await lookups.catalogueFor(claim.region, claim.start);
  if (!catalogue) return undefined;
  const [member, knowledge] = await Promise.all([
    reads.memberContext(claim, historyRange(catalogue, claim)),
    lookups.knowledgeFor(claim.region, claim.start),
  ]);
  const score = scoreClaim(catalogue, claim, {
    memberHistory: member.history,
    traceScans: member.traceScans,
    knowledge,
    ...(member.deathDate ? { deathDate: member.deathDate } : {}),
  });
  return { catalogue, knowledge, score, decision: decideAlert(catalogue, score) };
}
