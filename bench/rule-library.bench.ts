/**
 * The rule library (规则库) with the knowledge base (知识库) loaded: (1) the claims a regulator would see
 * out of a generated stream of clinically normal claims (bench/normal-claims.ts), per 1,000, with the
 * knowledge base and, for comparison, without it (the rules' own parameters only; the rules' built-in
 * reading of admission-day emergencies and of one supply's days stays, so this is not the old engine); (2) the engine's throughput
 * on one core over the same stream, every claim and cross-claim rule of the national baseline with the
 * member's history, CPU time (the machine is shared: wall time beside it); (3) the knowledge base's
 * build time from its shipped layer.
 *
 * "Seen by a regulator": a claim with any hit reaches the regulator's queue once every hit reaches
 * someone (issue 13 point 3, lower severities and the digest included); a claim at the alert threshold
 * raises an alert at once. Both are printed, with the hits by rule.
 */
import { summarise, type ClaimSummary } from '../shared/fraud/claim.ts';
import { scoreClaim } from '../shared/fraud/engine.ts';
import { EMPTY_KNOWLEDGE, KnowledgeBase } from '../shared/knowledge/knowledge-base.ts';
import { allCatalogues } from '../shared/policy/fraud-rules.ts';
import { shippedKnowledge } from '../shared/policy/knowledge-base.ts';
import { normalStream, PROFILES, type NormalClaim } from './normal-claims.ts';
import type { Report } from './support.ts';

const MEMBERS = Number(process.env.RULE_BENCH_MEMBERS ?? 20_000);

function judge(stream: readonly NormalClaim[], knowledge: KnowledgeBase) {
  const national = allCatalogues().find((c) => c.region === '000000')!;
  const histories = new Map<string, ClaimSummary[]>();
  const byRule = new Map<string, number>();
  const byProfile = new Map<string, { claims: number; seen: number }>();
  let seen = 0;
  let alerts = 0;
  const examples = new Map<string, string>();
  for (const { profile, claim } of stream) {
    const history = histories.get(claim.memberId) ?? [];
    const score = scoreClaim(national, claim, { memberHistory: history, traceScans: [], knowledge });
    history.push(summarise(claim, knowledge));
    histories.set(claim.memberId, history);
    const p = byProfile.get(profile) ?? { claims: 0, seen: 0 };
    p.claims++;
    if (score.hits.length > 0) {
      seen++;
      p.seen++;
      for (const h of score.hits) {
        byRule.set(h.ruleId, (byRule.get(h.ruleId) ?? 0) + 1);
        if (!examples.has(h.ruleId)) examples.set(h.ruleId, `${profile}: ${h.explanations[0]}`);
      }
    }
    if (score.alert) alerts++;
    byProfile.set(profile, p);
  }
  return { seen, alerts, byRule, byProfile, examples };
}

export default async function ruleLibrary(report: Report): Promise<void> {
  const t0 = performance.now();
  const stream = normalStream(MEMBERS);
  const generatedMs = performance.now() - t0;
  const layers = shippedKnowledge().filter((d) => d.region === '000000');
  const b0 = performance.now();
  const knowledge = new KnowledgeBase(layers);
  const buildMs = performance.now() - b0;
  const entries = Object.values(knowledge.counts).reduce((a, b) => a + b, 0);
  report({ name: 'knowledge base: build from the shipped national layer', value: buildMs, unit: 'ms', note: `${entries} entries` });
  report({
    name: 'normal stream: claims generated',
    value: stream.length,
    unit: 'claims',
    note: `${MEMBERS.toLocaleString('en-US')} members over 2026 Q1, ${generatedMs.toFixed(0)} ms; profiles ${PROFILES.join(', ')}`,
  });

  for (const [label, kb] of [
    ['with the knowledge base', knowledge],
    ['without the knowledge base', EMPTY_KNOWLEDGE],
  ] as const) {
    const r = judge(stream, kb);
    report({
      name: `false positives ${label}: claims with any hit`,
      value: (r.seen * 1000) / stream.length,
      unit: 'per 1,000',
      note: `${r.seen} of ${stream.length}`,
    });
    report({
      name: `false positives ${label}: claims alerting at the threshold`,
      value: (r.alerts * 1000) / stream.length,
      unit: 'per 1,000',
      note: `${r.alerts}`,
    });
    for (const [rule, n] of [...r.byRule].sort((a, b) => b[1] - a[1]))
      report({
        name: `  ${label}: ${rule}`,
        value: (n * 1000) / stream.length,
        unit: 'per 1,000',
        note: r.examples.get(rule)!.slice(0, 110),
      });
    for (const [profile, p] of [...r.byProfile].sort()) {
      if (p.seen > 0)
        report({
          name: `  ${label}: profile ${profile}`,
          value: (p.seen * 1000) / p.claims,
          unit: 'per 1,000 of it',
          note: `${p.seen} of ${p.claims}`,
        });
    }
  }

  // Throughput: the whole stream scored in order with each member's history, one thread (one core).
  const national = allCatalogues().find((c) => c.region === '000000')!;
  const rules = national.rules.filter((r) => r.scope !== 'provider').length;
  const time = (kb: KnowledgeBase) => {
    const histories = new Map<string, ClaimSummary[]>();
    const contexts = stream.map(({ claim }) => {
      const history = histories.get(claim.memberId) ?? [];
      const context = { memberHistory: [...history], traceScans: [], knowledge: kb };
      history.push(summarise(claim, kb));
      histories.set(claim.memberId, history);
      return context;
    });
    for (let i = 0; i < Math.min(5_000, stream.length); i++) scoreClaim(national, stream[i]!.claim, contexts[i]!); // warm-up
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    let hits = 0;
    for (let i = 0; i < stream.length; i++) hits += scoreClaim(national, stream[i]!.claim, contexts[i]!).hits.length;
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0, hits };
  };
  const lines = stream.reduce((s, c) => s + c.claim.lines.length, 0);
  for (const [label, kb] of [
    ['with the knowledge base', knowledge],
    ['without it', EMPTY_KNOWLEDGE],
  ] as const) {
    const t = time(kb);
    report({
      name: `throughput ${label} (CPU time)`,
      value: stream.length / (t.cpuMs / 1000),
      unit: 'claims/s',
      note: `one core, ${rules} claim and cross-claim rules, member history, ${(lines / stream.length).toFixed(1)} lines/claim`,
    });
    report({ name: `throughput ${label} (wall time)`, value: stream.length / (t.wallMs / 1000), unit: 'claims/s' });
  }
}
