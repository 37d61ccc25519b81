/**
 * Starting a simulation run (POST /v1/simulations): the draft is validated whole by its kind's
 * schema before anything runs (a 400 naming the field of the document), checked against the window
 * (its region and year; a benefits draft's scheme), and the run is keyed by a hash of the request:
 * the same draft over the same window answers the run already stored, and a failed run is started
 * again. A new run is fanned out by member partition onto the simulationRuns queue: one message per
 * partition where the runner is a bundled Lambda (AWS), one for them all where it runs from source
 * (the local cloud), whose runner spreads them over worker threads.
 */
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type * as z from 'zod';
import type { ApiRequest, ApiResponse } from '../../shared/http/api.ts';
import { badRequest } from '../../shared/http/errors.ts';
import { describeIssues } from '../../shared/http/validation.ts';
import { benefitsKind } from '../../shared/policy/benefits.ts';
import { dipKind } from '../../shared/policy/dip.ts';
import { drgKind } from '../../shared/policy/drg.ts';
import { yearEndKind } from '../../shared/policy/year-end.ts';
import { regionChain } from '../../shared/catalogue/version.ts';
import { catalogueDraftSchema, readCatalogueDraft } from '../../shared/simulation/catalogue-draft.ts';
import type { PolicyKind } from '../../shared/policy/registry.ts';
import { canonicalJson } from '../../shared/runtime/canonical-json.ts';
import { sqsClient } from '../../shared/runtime/aws-clients.ts';
import { queueUrl } from '../../shared/runtime/resource-names.ts';
import { SIMULATION_PARTITIONS } from '../../shared/simulation/partition.ts';
import { simulationRequestSchema, type SimulationRequest } from '../../shared/simulation/request.ts';
import { threadsAvailable } from '../../shared/simulation/threads/pool.ts';
import { createRun, getRun, restartRun, type RunRecord } from '../../shared/simulation/store/runs.ts';
import { requireRunner } from './access.ts';

/** A partition group: the message the runner takes. */
export interface RunMessage {
  runId: string;
  group: number;
  partitions: number[];
  correlationId: string;
}

const refuse = (field: string, rule: string, message: string) =>
  badRequest(`${field}: ${message}`, { problems: [{ field, rule, message }] });

/** The draft parsed by its kind, or a 400 naming the document's field. */
export function parseDraft(request: SimulationRequest): { header: RunRecord['draft']; key: Record<string, unknown> } {
  if (request.draft.kind === 'catalogue') return parseCatalogueDraft(request);
  const kind = ({ benefits: benefitsKind, drg: drgKind, dip: dipKind, 'year-end': yearEndKind } as Record<string, PolicyKind<unknown>>)[
    request.draft.kind
  ]!;
  const parsed = kind.schema.safeParse(request.draft.document);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues as z.core.$ZodIssue[], 'body.draft.document');
    throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
  }
  const refusal = kind.refuse?.(parsed.data);
  if (refusal) throw refuse(`body.draft.document.${refusal.field}`, refusal.rule, refusal.message);
  const header = kind.header(parsed.data);
  const key = kind.keyOf(parsed.data);
  const { window } = request;
  const year = Number(window.from.slice(0, 4));
  if (key.region !== window.region)
    throw refuse('body.draft.document.region', 'window_region', `the draft is for region ${key.region}, the window for ${window.region}`);
  if (key.year !== year)
    throw refuse('body.draft.document.year', 'window_year', `the draft is for ${key.year}, the window lies in ${year}`);
  if (request.draft.kind === 'benefits' && window.scheme && key.scheme !== window.scheme)
    throw refuse(
      'body.draft.document.scheme',
      'window_scheme',
      `the draft is for the ${String(key.scheme)} scheme, the window for ${window.scheme}`,
    );
  const document = request.draft.document as { title?: unknown };
  return {
    header: {
      kind: request.draft.kind,
      region: header.region,
      version: header.version,
      effectiveFrom: header.effectiveFrom,
      hash: createHash('sha256').update(canonicalJson(request.draft.document)).digest('hex'),
      ...(typeof document.title === 'string' ? { title: document.title } : {}),
    },
    key,
  };
}

const draftHash = (request: SimulationRequest) => createHash('sha256').update(canonicalJson(request.draft.document)).digest('hex');

/**
 * A catalogue draft: its rows read as the import reads them (a 400 naming `rows.<i>.<column>` and the
 * rule), for a layer that applies in the window's region (the national list, its province's, its own).
 */
function parseCatalogueDraft(request: SimulationRequest): { header: RunRecord['draft']; key: Record<string, unknown> } {
  const parsed = catalogueDraftSchema.safeParse(request.draft.document);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues as z.core.$ZodIssue[], 'body.draft.document');
    throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
  }
  const read = readCatalogueDraft(parsed.data);
  if ('problems' in read) {
    const problems = read.problems.map((p) => ({ ...p, field: `body.draft.document.${p.field}` }));
    throw badRequest(`${problems[0]!.field}: ${problems[0]!.message}`, { problems });
  }
  const { draft } = read;
  if (!regionChain(request.window.region).includes(draft.region))
    throw refuse(
      'body.draft.document.region',
      'window_region',
      `a catalogue of ${draft.region} does not apply in ${request.window.region} (${regionChain(request.window.region).join(', ')})`,
    );
  return {
    header: {
      kind: 'catalogue',
      region: draft.region,
      version: draft.version,
      effectiveFrom: draft.effectiveFrom,
      hash: draftHash(request),
      title: draft.title,
    },
    key: { region: draft.region },
  };
}

/** The same request is the same run: draft, window, assumptions and list length. */
export const runIdOf = (request: SimulationRequest): string =>
  createHash('sha256').update(canonicalJson(request)).digest('hex').slice(0, 24);

/** Partition groups: one partition each on AWS (one Lambda per partition), all in one locally (worker threads). */
export function groupsOf(partitions = SIMULATION_PARTITIONS, perGroup = threadsAvailable() ? partitions : 1): number[][] {
  const groups: number[][] = [];
  for (let p = 0; p < partitions; p += perGroup) groups.push(Array.from({ length: Math.min(perGroup, partitions - p) }, (_, i) => p + i));
  return groups;
}

async function fanOut(run: RunRecord, groups: number[][], correlationId: string): Promise<void> {
  for (let i = 0; i < groups.length; i += 10) {
    const batch = groups.slice(i, i + 10);
    const out = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('simulationRuns'),
        Entries: batch.map((partitions, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({ runId: run.runId, group: i + j, partitions, correlationId } satisfies RunMessage),
        })),
      }),
    );
    if ((out.Failed ?? []).length > 0) throw new Error(`SQS refused ${out.Failed!.length} partitions of simulation ${run.runId}`);
  }
}

export const runLinks = (runId: string) => ({ self: `/v1/simulations/${runId}`, report: `/v1/simulations/${runId}/report` });

export async function startSimulation(request: ApiRequest): Promise<ApiResponse> {
  const principal = request.principal();
  requireRunner(principal);
  const body = request.body(simulationRequestSchema);
  const { header } = parseDraft(body);
  const runId = runIdOf(body);
  const existing = await getRun(runId);
  if (existing && existing.status !== 'failed')
    return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { run: existing, links: runLinks(runId) } };
  const groups = groupsOf();
  const run: RunRecord = {
    runId,
    status: 'queued',
    region: body.window.region,
    window: body.window,
    draft: header,
    partitions: SIMULATION_PARTITIONS,
    groups: groups.length,
    groupsDone: 0,
    progress: {},
    claimsRead: 0,
    createdAt: new Date().toISOString(),
    createdBy: principal.sub,
  };
  const outcome = existing ? ((await restartRun(run)) ? 'created' : 'exists') : await createRun(run, body);
  if (outcome === 'exists') {
    const now = await getRun(runId);
    return { statusCode: 200, headers: { 'x-idempotent-replay': 'true' }, body: { run: now, links: runLinks(runId) } };
  }
  await fanOut(run, groups, request.correlationId);
  request.logger.info('Simulation started', { runId, kind: header.kind, region: run.region, groups: groups.length });
  return { statusCode: 202, body: { run, links: runLinks(runId) } };
}
