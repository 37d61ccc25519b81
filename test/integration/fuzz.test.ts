/**
 * The fuzzer (issue 20.7a): every operation of docs/openapi.json, over 5,000 malformed requests
 * against a real local cloud (bodies broken field by field, crafted path parameters, query values
 * and page cursors, bodies that are not JSON, missing, forged and expired tokens). Asserts no 5xx
 * at all, and no partial write: after each operation's refused requests, every table holds exactly
 * the items it held before (the claims' ledger among them). Prints its figures.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { routes } from '../../infra/topology.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import {
  BAD_PATH_VALUES,
  BAD_QUERY_VALUES,
  BAD_VALUES,
  deeplyNested,
  Generator,
  type FuzzRequest,
  type JsonSchema,
  leafPaths,
  type Operation,
  operationsOf,
  withField,
} from '../support/fuzz.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, registerProvider, startTestCloud } from '../support/local-cloud.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_2026);
/** Requests per operation: 109 operations × 48 ≈ 5,200. */
const PER_OPERATION = Number(process.env.FUZZ_PER_OPERATION ?? 48);
const CONCURRENCY = 6;

const HOSPITAL = 'H21090200001';
const REGION = '210900';

let cloud: LocalCloud;
let dynamo: DynamoDBClient;
let tokens: { staff: string; provider: string; regulator: string; forged: string; expired: string };
const seeded: Record<string, string> = {};

beforeAll(async () => {
  cloud = await startTestCloud();
  dynamo = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials });
  const staff = await cloud.mint({ sub: 'fuzz-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  const provider = await cloud.mint({ sub: 'fuzz-his', role: 'provider', providerCode: HOSPITAL });
  const regulator = await cloud.mint({ sub: 'fuzz-regulator', role: 'regulator', region: REGION });
  const expired = await cloud.mint({ sub: 'fuzz-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }, -60);
  const [header, payload, signature] = staff.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'regulator', region: '110000' })).toString('base64url')}.${signature}`;
  tokens = { staff, provider, regulator, forged, expired };

  // A little of everything the paths name, so a malformed body reaches the handler past its 404s.
  await registerProvider(cloud, staff, {
    providerCode: HOSPITAL,
    name: '阜新市第二人民医院',
    level: 'secondary',
    region: '210902',
    kind: 'hospital',
  });
  const idNumber = idNumbers(Date.UTC(1960, 0, 1))('210902', '002');
  const enrolled = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: { idNumber, year: 2020, region: REGION, scheme: 'resident', categories: [{ code: 'dibao', validFrom: '2019-01-01' }] },
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  seeded.memberId = enrolled.body.member.memberId;
  const settled = await api(cloud, 'POST', '/v1/claims', {
    token: provider,
    body: {
      providerCode: HOSPITAL,
      claimNo: 'FZ-1',
      memberId: seeded.memberId,
      visit: { type: 'outpatient', serviceDate: '2020-05-11' },
      diagnoses: { principal: 'J06.900' },
      lines: [exampleLine(1, 'A', 'drug', 100)],
    },
  });
  expect(settled.status, JSON.stringify(settled.body)).toBe(201);
  await quiet();
}, 300_000);

afterAll(async () => {
  await cloud?.stop();
});

/** Until every queue is empty: what the seed published is consumed before the counting starts. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const depths = await cloud.queueDepths();
    if (Object.values(depths).every((d) => d.visible + d.inFlight === 0)) return;
    await sleep(250);
  }
}

/** Every table's item count, by table name: what a refused request must leave as it was. */
async function counts(): Promise<Record<string, number>> {
  const { tables } = await cloud.describe();
  const entries = await Promise.all(
    tables.map(async ({ name }) => {
      let total = 0;
      let start: Record<string, any> | undefined;
      do {
        const page = await dynamo.send(new ScanCommand({ TableName: name, Select: 'COUNT', ExclusiveStartKey: start }));
        total += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return [name, total] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** A valid-looking value for a path parameter: the seeded one where there is one, else the schema's example. */
function pathValue(gen: Generator, name: string, schema: JsonSchema): string {
  const known: Record<string, string> = {
    providerCode: HOSPITAL,
    claimNo: 'FZ-1',
    memberId: seeded.memberId!,
    relatedMemberId: seeded.memberId!,
    region: REGION,
    year: '2020',
    kind: 'benefits',
  };
  return encodeURIComponent(known[name] ?? String(gen.plausible(schema)));
}

function requestsFor(op: Operation, gen: Generator): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const basePath = (override: Record<string, string> = {}) =>
    op.path.replace(
      /\{(\w+)\}/g,
      (_, name: string) => override[name] ?? pathValue(gen, name, pathParams.find((p) => p.name === name)?.schema ?? {}),
    );
  const baseQuery = () => {
    const q: Record<string, string> = {};
    for (const p of queryParams) if (p.required) q[p.name] = String(gen.plausible(p.schema));
    return q;
  };
  const qs = (q: Record<string, string>) => {
    const text = Object.entries(q)
      .map(([k, v]) => `${encodeURIComponent(k)}=${/%/.test(v) ? v : encodeURIComponent(v)}`)
      .join('&');
    return text ? `?${text}` : '';
  };
  const base = op.body ? gen.plausible(op.body) : undefined;
  const request = (mutation: string, parts: Partial<FuzzRequest> = {}): FuzzRequest => ({
    operation: op,
    mutation,
    method: op.method,
    path: basePath() + qs(baseQuery()),
    headers: { 'content-type': 'application/json' },
    ...(op.body ? { body: JSON.stringify(base) } : {}),
    auth: 'caller',
    ...parts,
  });

  // Who is calling: no token, a forged one, an expired one.
  out.push(
    request('no token', { auth: 'none' }),
    request('forged token', { auth: 'forged' }),
    request('expired token', { auth: 'expired' }),
  );

  // Path parameters, crafted one at a time.
  for (const p of pathParams) {
    for (const [label, value] of BAD_PATH_VALUES)
      out.push(request(`path.${p.name} ← ${label}`, { path: basePath({ [p.name]: value }) + qs(baseQuery()) }));
  }
  // Query values, crafted one at a time; an unknown parameter too.
  for (const p of queryParams) {
    for (const [label, value] of BAD_QUERY_VALUES) {
      if (p.name !== 'cursor' && label.startsWith('cursor')) continue;
      out.push(request(`query.${p.name} ← ${label}`, { path: basePath() + qs({ ...baseQuery(), [p.name]: value }) }));
    }
  }
  if (queryParams.length) out.push(request('query.unknown', { path: basePath() + qs({ ...baseQuery(), 'a[b]': 'c', __proto__: 'x' }) }));

  if (op.body) {
    out.push(
      request('body: not JSON', { body: '{"providerCode": ' }),
      request('body: declared as text/plain', { headers: { 'content-type': 'text/plain' } }),
      request('body: declared as a form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2' }),
      request('body: none', { body: undefined }),
      request('body: a JSON array', { body: '[1,2,3]' }),
      request('body: null', { body: 'null' }),
      request('body: nested 10,000 deep', { body: deeplyNested(10_000) }),
      request('body: __proto__ at the top', {
        body: JSON.stringify({ ...(base as object) }).replace(/^\{/, '{"__proto__":{"admin":true},'),
      }),
    );
    // Field by field: every leaf of the plausible body, each broken with a value of the list in turn.
    const paths = leafPaths(base).filter((p) => p.length > 0);
    let i = 0;
    while (out.length < PER_OPERATION && paths.length) {
      const path = paths[i % paths.length]!;
      const [label, value] = BAD_VALUES[(i * 7 + Math.floor(gen.random() * 3)) % BAD_VALUES.length]!;
      out.push(request(`body.${path.join('.')} ← ${label}`, { body: JSON.stringify(withField(base, path, value)) }));
      if (i % 5 === 0) out.push(request(`body.${path.join('.')} removed`, { body: JSON.stringify(withField(base, path, undefined)) }));
      i++;
    }
    // One megabyte in a text field, as the issue found in a policy title.
    const textPath = paths.find((p) => typeof p.reduce<any>((v, k) => v?.[k], base) === 'string');
    if (textPath)
      out.push(request(`body.${textPath.join('.')} ← 1 MB`, { body: JSON.stringify(withField(base, textPath, 'x'.repeat(1_048_576))) }));
  }
  // Operations without a body: more crafted values until the budget is spent.
  let k = 0;
  while (out.length < PER_OPERATION) {
    const [label, value] = BAD_QUERY_VALUES[k % BAD_QUERY_VALUES.length]!;
    const p = queryParams[k % Math.max(1, queryParams.length)];
    const name = p?.name ?? 'x';
    const [pathLabel, pathValueBad] = BAD_PATH_VALUES[k % BAD_PATH_VALUES.length]!;
    const param = pathParams[k % Math.max(1, pathParams.length)];
    out.push(
      param && k % 2 === 0
        ? request(`path.${param.name} ← ${pathLabel} (and query.${name} ← ${label})`, {
            path: basePath({ [param.name]: pathValueBad }) + qs({ ...baseQuery(), [name]: value }),
          })
        : request(`query.${name} ← ${label} (round ${k})`, { path: basePath() + qs({ ...baseQuery(), [name]: value, round: String(k) }) }),
    );
    k++;
  }
  return out;
}

function tokenOf(r: FuzzRequest): string | undefined {
  if (r.auth === 'none') return undefined;
  if (r.auth === 'forged') return tokens.forged;
  if (r.auth === 'expired') return tokens.expired;
  const roles = r.operation.roles;
  if (roles.includes('staff')) return tokens.staff;
  if (roles.includes('provider')) return tokens.provider;
  return tokens.regulator;
}

async function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
  const token = tokenOf(r);
  const res = await fetch(`${cloud.apiUrl}${r.path}`, {
    method: r.method,
    headers: { ...r.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, text: res.status >= 500 ? text.slice(0, 200) : '' };
}

describe('the fuzzer over docs/openapi.json', () => {
  it('sends over 5,000 malformed requests to every operation: no 5xx, and no refused request writes anything', async () => {
    const started = Date.now();
    const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    const nameOf = (method: string, path: string) =>
      routes.find((r) => r.method === method && r.path === path)?.name ?? `${method} ${path}`;
    const operations = operationsOf(doc, nameOf);
    const gen = new Generator(doc.components?.schemas ?? {}, SEED);

    const byStatus = new Map<number, number>();
    const serverErrors: string[] = [];
    const partialWrites: string[] = [];
    const accepted: string[] = [];
    let sent = 0;
    let before = await counts();
    for (const op of operations) {
      const batch = requestsFor(op, gen);
      const statuses: number[] = [];
      for (let i = 0; i < batch.length; i += CONCURRENCY) {
        const slice = batch.slice(i, i + CONCURRENCY);
        const answers = await Promise.all(slice.map(send));
        answers.forEach(({ status, text }, j) => {
          statuses.push(status);
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          if (status >= 500) serverErrors.push(`${status} ${op.name}: ${slice[j]!.mutation} → ${text}`);
          // Only a write that was accepted matters here (an unknown query parameter on a read is ignored, as API Gateway does).
          if (status < 400 && op.method !== 'GET') accepted.push(`${status} ${op.name}: ${slice[j]!.mutation}`);
        });
      }
      sent += batch.length;
      await quiet();
      const after = await counts();
      // A refused request changes nothing; an operation any of whose requests was accepted is not judged here.
      if (statuses.every((s) => s >= 400)) {
        for (const [table, n] of Object.entries(after)) {
          if (n !== before[table]) partialWrites.push(`${op.name}: ${table} ${before[table]} → ${n}`);
        }
      }
      before = after;
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    const figures = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);
    console.log(
      [
        `fuzz: ${sent} requests over ${operations.length} operations in ${seconds} s (seed ${SEED})`,
        `fuzz: by status ${figures.join(', ')}`,
        `fuzz: 5xx ${serverErrors.length}, partial writes ${partialWrites.length}, accepted (2xx/3xx) ${accepted.length}`,
        ...serverErrors.slice(0, 40).map((e) => `  5xx ${e}`),
        ...partialWrites.slice(0, 40).map((e) => `  partial write ${e}`),
        ...accepted.slice(0, 20).map((e) => `  accepted ${e}`),
      ].join('\n'),
    );
    expect(operations.length).toBe(routes.length);
    expect(sent).toBeGreaterThanOrEqual(5_000);
    expect(serverErrors).toEqual([]);
    expect(partialWrites).toEqual([]);
  }, 1_200_000);
});
