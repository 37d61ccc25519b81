/**
 * Each bus rule feeds its queue exactly the events that queue's consumer accepts.
 *
 * The events are the contracts of events/ (source + detail-type + detail schema); the rules are the
 * topology's, evaluated by the local bus's own matcher (infra/local/bus/pattern.ts), the one the
 * parity test shows carries the same patterns as the stack. A consumer declares what it accepts:
 * the contracts its `eventConsumer` parses against (anything else it dead-letters as a poison
 * message), or every event for the audit trail's `anyEventConsumer`.
 *
 * For every rule and every (source, detail-type) the catalogue can name (and a few it cannot), an
 * event is built whose detail satisfies the rule's content filter; then:
 *  - an event a rule routes is a contract its target's consumer accepts (only a catch-all consumer
 *    may be sent names that no contract has);
 *  - a content filter names fields and values the contract's schema allows (else it never matches);
 *  - each contract a consumer accepts is routed to its queue by some rule;
 *  - a queue no consumer reads events from (a work queue) is the target of no rule.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DetailType, EventSource } from '../../events/catalog.ts';
import type { EventContract } from '../../events/contract.ts';
import { ACCEPTED_EVENTS as alertDeliveryAccepts } from '../../functions/alert-delivery/handler.ts';
import { ACCEPTED_EVENTS as drgGroupingAccepts } from '../../functions/drg-grouping/consumer-handler.ts';
import { ACCEPTED_EVENTS as fraudScoringAccepts } from '../../functions/fraud-scoring/handler.ts';
import { FACT_CONTRACTS as paymentFactsAccepts } from '../../functions/prepayment/facts.ts';
import { ACCEPTED_EVENTS as accountEventsAccepts } from '../../functions/accounts/events-handler.ts';
import { ACCEPTED_EVENTS as careEventsAccepts } from '../../functions/long-term-care/events-handler.ts';
import { ACCEPTED_EVENTS as maternityWagesAccepts } from '../../functions/maternity/wages-handler.ts';
import { type EventPattern, matchesPattern } from '../../infra/local/bus/pattern.ts';
import { type QueueKey, queues, type RuleKey, type RuleSpec, rules } from '../../infra/topology.ts';

const EVERY_EVENT = 'every yibao event' as const;
const NOT_FROM_THE_BUS = 'not from the bus' as const;

/**
 * What the consumer of each queue accepts. Keyed by queue (one function may consume two queues, as
 * prepayment does), and a Record over every queue, so a new queue cannot be left out.
 */
const accepts: Record<QueueKey, readonly EventContract[] | typeof EVERY_EVENT | typeof NOT_FROM_THE_BUS> = {
  drgGrouping: drgGroupingAccepts,
  fraudScoring: fraudScoringAccepts,
  alertDelivery: alertDeliveryAccepts,
  paymentFacts: paymentFactsAccepts,
  accountEvents: accountEventsAccepts,
  careEvents: careEventsAccepts,
  maternityWages: maternityWagesAccepts,
  // functions/audit/handler.ts: anyEventConsumer, which checks the envelope and detail.meta only.
  audit: EVERY_EVENT,
  // functions/prepayment/plan.ts sends work items here itself.
  prepaymentWork: NOT_FROM_THE_BUS,
  // functions/simulation/runs.ts sends a run's partitions here itself.
  simulationRuns: NOT_FROM_THE_BUS,
};

const isContract = (value: unknown): value is EventContract =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EventContract).source === 'string' &&
  typeof (value as EventContract).detailType === 'string' &&
  (value as EventContract).detail instanceof z.ZodObject;

/** Every contract exported by a module of events/. */
async function allContracts(): Promise<EventContract[]> {
  const dir = resolve(import.meta.dirname, '..', '..', 'events');
  const found = new Map<string, EventContract>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(resolve(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (isContract(value)) found.set(`${value.source} ${value.detailType}`, value);
  }
  return [...found.values()];
}

const pairOf = (c: Pick<EventContract, 'source' | 'detailType'>) => `${c.source} ${c.detailType}`;

/**
 * A detail that satisfies a rule's content filter: the first value each leaf allows. Only exact
 * values and prefixes are used by the topology; a rule with another filter makes this test say so.
 */
function witness(pattern: EventPattern | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(pattern ?? {})) {
    if (Array.isArray(spec)) {
      const first = spec[0];
      if (typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean') out[field] = first;
      else if (first && typeof first === 'object' && 'prefix' in first && typeof first.prefix === 'string') out[field] = first.prefix;
      else throw new Error(`rules.test.ts builds no witness for the filter ${JSON.stringify(spec)} on ${field}: extend it`);
    } else out[field] = witness(spec as EventPattern);
  }
  return out;
}

/** The schema a path leads to in a contract's detail, through optional and nullable wrappers. */
function schemaAt(schema: z.ZodType, path: string[]): z.ZodType | undefined {
  let current: z.ZodType = schema;
  for (const key of path) {
    while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault)
      current = current.unwrap() as z.ZodType;
    if (!(current instanceof z.ZodObject)) return undefined;
    const next = (current.shape as Record<string, z.ZodType>)[key];
    if (!next) return undefined;
    current = next;
  }
  return current;
}

/** The leaves of a witness detail that the contract's detail schema does not allow. */
function offContract(detail: Record<string, unknown>, contract: EventContract, path: string[] = []): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    const at = [...path, key];
    if (value && typeof value === 'object') problems.push(...offContract(value as Record<string, unknown>, contract, at));
    else {
      const leaf = schemaAt(contract.detail, at);
      if (!leaf) problems.push(`${at.join('.')}: no such field in ${contract.detailType}`);
      else if (!leaf.safeParse(value).success)
        problems.push(`${at.join('.')}: ${JSON.stringify(value)} is not allowed by ${contract.detailType}`);
    }
  }
  return problems;
}

const envelope = (source: string, detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: '00000000-0000-4000-8000-000000000000',
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'cn-north-1',
  resources: [],
  detail,
});

const contracts = await allContracts();
const contractByPair = new Map(contracts.map((c) => [pairOf(c), c]));
const ruleEntries = Object.entries(rules) as [RuleKey, RuleSpec][];

/** Every name the catalogue has, and a few it has not, so a catch-all pattern shows what it catches. */
const sources = [...Object.values(EventSource), 'yibao.unknown', 'aws.events'];
const detailTypes = [...Object.values(DetailType), 'SomethingElse'];

/** The (source, detail-type) pairs a rule routes, each with the detail built for its filter. */
function routed(rule: RuleSpec): { source: string; detailType: string; detail: Record<string, unknown> }[] {
  const detail = witness(rule.pattern.detail as EventPattern | undefined);
  return sources.flatMap((source) =>
    detailTypes
      .filter((detailType) => matchesPattern(rule.pattern, envelope(source, detailType, detail)))
      .map((detailType) => ({ source, detailType, detail })),
  );
}

describe('the event contracts', () => {
  it('are found, one per (source, detail-type), and every catalogued detail-type has one', () => {
    expect(contracts.length).toBeGreaterThan(0);
    expect(new Set(contracts.map((c) => c.detailType))).toEqual(new Set(Object.values(DetailType)));
  });
});

describe('bus rules against the contracts their consumers accept', () => {
  for (const [name, rule] of ruleEntries) {
    describe(`${name} → ${rule.target}`, () => {
      const consumer = accepts[rule.target];
      const matched = routed(rule);

      it('routes something', () => {
        expect(matched.length).toBeGreaterThan(0);
      });

      it('feeds a queue whose consumer reads bus events', () => {
        expect(consumer).not.toBe(NOT_FROM_THE_BUS);
      });

      it('routes only contracts its consumer accepts (only a catch-all consumer takes any name)', () => {
        const refused = matched
          .map((m) => `${m.source} ${m.detailType}`)
          .filter((pair) => {
            if (consumer === EVERY_EVENT) return !pair.startsWith('yibao.');
            if (consumer === NOT_FROM_THE_BUS) return true;
            return !consumer.some((c) => pairOf(c) === pair);
          });
        expect(refused).toEqual([]);
      });

      it('filters on fields and values the contracts it routes allow', () => {
        const problems = matched.flatMap((m) => {
          const contract = contractByPair.get(`${m.source} ${m.detailType}`);
          return contract ? offContract(m.detail, contract) : [];
        });
        expect(problems).toEqual([]);
      });
    });
  }
});

describe('consumers against the rules that feed them', () => {
  for (const [queue, accepted] of Object.entries(accepts) as [QueueKey, (typeof accepts)[QueueKey]][]) {
    const feeding = ruleEntries.filter(([, r]) => r.target === queue);
    if (accepted === NOT_FROM_THE_BUS) {
      it(`${queue} (${queues[queue].consumer}) is fed by no rule`, () => {
        expect(feeding.map(([n]) => n)).toEqual([]);
      });
      continue;
    }
    const wanted = accepted === EVERY_EVENT ? contracts : accepted;
    it(`${queue} (${queues[queue].consumer}) receives every contract it accepts: ${wanted.map((c) => c.detailType).join(', ')}`, () => {
      const reaching = new Set(
        feeding.flatMap(([, r]) =>
          routed(r)
            .filter((m) => {
              const contract = contractByPair.get(`${m.source} ${m.detailType}`);
              return contract !== undefined && offContract(m.detail, contract).length === 0;
            })
            .map((m) => `${m.source} ${m.detailType}`),
        ),
      );
      expect(wanted.map(pairOf).filter((pair) => !reaching.has(pair))).toEqual([]);
    });
  }
});
