/**
 * Plans a prepayment run version for a region and month and fans it out: one message per provider
 * on the prepaymentWork queue, so a run over thousands of providers never has to fit one Lambda.
 *
 *  - no run yet                 → version 1 over the budget's providers
 *  - a run, not superseding     → nothing changes ('existing'); if its version is still in progress
 *                                 (e.g. the planner stopped before every message was sent), the
 *                                 providers without a line get their message again ('resumed')
 *  - superseding (a correction) → a new version over the latest budget's providers and every
 *                                 provider of the previous version (one dropped from the budget
 *                                 gets 0, so its advance is recovered); refused while the previous
 *                                 version is in progress
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../../shared/runtime/aws-clients.ts';
import * as z from 'zod';
import { Refusal } from '../../shared/refusal/refusal.ts';
import { queueUrl } from '../../shared/runtime/resource-names.ts';
import { policies } from '../../shared/policy/store/registry.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import { yearOf } from '../../shared/budget/prepayment.ts';
import type { Budget } from '../../shared/budget/budget.ts';
import { getBudget } from '../../shared/budget/store/budget.ts';
import { mapLimit } from '../../shared/budget/store/db.ts';
import { runId } from '../../shared/budget/store/keys.ts';
import { prepaymentLines } from '../../shared/budget/store/ledger.ts';
import { createRunVersion, getRunVersion, type RunVersion } from '../../shared/budget/store/runs.ts';

/** One provider's share of a run version, as the planner fans it out over the prepaymentWork queue. */
export const workItemSchema = z.object({
  runId: z.string().min(1),
  region: z.string().regex(/^\d{6}$/),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  version: z.number().int().positive(),
  providerCode: z.string().min(1),
  correlationId: z.string().min(1),
});
export type WorkItem = z.infer<typeof workItemSchema>;

/** A run that cannot be planned (no budget, planned by someone else meanwhile): the one refusal type. */
export class PlanRefusal extends Refusal {
  constructor(status: 404 | 409, message: string) {
    super(status, message);
    this.name = 'PlanRefusal';
  }
}

export interface PlanRequest {
  region: string;
  period: string;
  supersede: boolean;
  reason: string | null;
  requestedBy: string;
  correlationId: string;
  now: string;
}

export interface PlanOutcome {
  outcome: 'planned' | 'existing' | 'resumed';
  run: RunVersion;
  messagesSent: number;
}

/** The providers a version covers: its budget's, plus every provider an earlier version paid. */
async function providersOf(budget: Budget, region: string, period: string, previous: RunVersion | undefined): Promise<string[]> {
  const codes = new Set(budget.providers.map((p) => p.providerCode));
  if (previous) for (const line of await prepaymentLines(region, period, previous.version)) codes.add(line.providerCode);
  return [...codes].sort();
}

async function send(run: RunVersion, codes: readonly string[], correlationId: string): Promise<number> {
  const batches: string[][] = [];
  for (let i = 0; i < codes.length; i += 10) batches.push(codes.slice(i, i + 10));
  await mapLimit(batches, 8, async (batch) => {
    const out = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('prepaymentWork'),
        Entries: batch.map((providerCode, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({
            runId: run.runId,
            region: run.region,
            period: run.period,
            version: run.version,
            providerCode,
            correlationId,
          } satisfies WorkItem),
        })),
      }),
    );
    if ((out.Failed ?? []).length > 0)
      throw new Error(`SQS refused ${out.Failed!.length} work items of ${run.runId} v${run.version}: ${out.Failed![0]!.Message ?? ''}`);
  });
  return codes.length;
}

export async function planPrepayment(request: PlanRequest): Promise<PlanOutcome> {
  const { region, period } = request;
  const year = yearOf(period);
  const current = await getRunVersion('prepayment', region, period);

  if (current && !request.supersede) {
    if (current.status === 'complete') return { outcome: 'existing', run: current, messagesSent: 0 };
    const budget = await getBudget(region, year, current.budgetVersion);
    if (!budget) throw new Error(`${current.runId} v${current.version} pins budget v${current.budgetVersion}, which is missing`);
    const previous = current.version > 1 ? await getRunVersion('prepayment', region, period, current.version - 1) : undefined;
    const written = new Set((await prepaymentLines(region, period, current.version)).map((l) => l.providerCode));
    const missing = (await providersOf(budget, region, period, previous)).filter((c) => !written.has(c));
    return { outcome: 'resumed', run: current, messagesSent: await send(current, missing, request.correlationId) };
  }
  if (current && current.status !== 'complete') {
    throw new PlanRefusal(
      409,
      `${current.runId} version ${current.version} is still in progress (${current.done} of ${current.expected} providers): supersede it once it completes`,
    );
  }

  const budget = await getBudget(region, year);
  if (!budget) throw new PlanRefusal(404, `No budget for region ${region} in ${year}: PUT /v1/budgets/${region}/${year} first`);
  const policy = await policies.forYear(yearEndKind, region, year);
  if (!policy) throw new PlanRefusal(409, `No settlement policy for region ${region} in ${year}`);

  const codes = await providersOf(budget, region, period, current);
  const created = await createRunVersion(
    {
      kind: 'prepayment',
      region,
      period,
      expected: codes.length,
      budgetVersion: budget.version,
      policyVersion: policy.version,
      reason: request.reason,
      requestedBy: request.requestedBy,
      createdAt: request.now,
    },
    current,
  );
  if (created.outcome === 'conflict')
    throw new PlanRefusal(409, `${runId('prepayment', region, period)} was planned by someone else meanwhile; read it and try again`);
  return { outcome: 'planned', run: created.run, messagesSent: await send(created.run, codes, request.correlationId) };
}
