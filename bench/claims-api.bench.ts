/**
 * What a settlement costs on the local cloud, through the real API (authorizer, handler, reads, the
 * one transaction, the event):
 *   - the emulator's own ceiling: bare DynamoDB Local puts/s and 4-item transactions/s, 32 at once,
 *     so the platform's share of a claim's latency is visible beside it;
 *   - DynamoDB requests and consumed capacity per claim, counted on the wire by a metering proxy
 *     (infra/local/dynamo-meter.ts): the cost per claim on AWS;
 *   - 32 concurrent providers settling 30-line inpatient and 5-line outpatient bills: p50, p99, claims/s;
 *   - one hot member: 50 claims for one member at once: p50, p95, and whether the accumulators end exact.
 *
 * Only the HTTP API and the local cloud's start are used, so bench/compare.ts runs this same file
 * against an older commit's handlers for a before/after table.
 */
// A namespace import: bench/compare.ts runs this file on commits from before staff permissions, where the name is absent.
import * as principals from '../shared/auth/principal.ts';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { startLocalCloud, type LocalCloud } from '../infra/local/cloud.ts';
import { startDynamoMeter } from '../infra/local/dynamo-meter.ts';
import { checkCharacter } from '../shared/enrolment/id-number.ts';
import { percentile, reportLatencies, runConcurrently, type Report } from './support.ts';
import { billMaker, postJson, startProviderLoad } from './claims-load.ts';

const PROVIDERS = 32;
/**
 * Members the providers' bills are for, at random. Each settles its claims in order (one lane per
 * member and year), so the pool decides how often one provider's claim waits for another's: with 128
 * members and 32 claims in flight, one claim in four found its member busy, a queue 32 hospitals do not
 * make for a region of a million insured. With 2,048 it is about one in seventy; one member's claims all
 * at once are the hot-member round's case (point 2 of issue 17), measured apart below.
 */
const MEMBERS = 2_048;
/** Claims each provider settles in the measured run (32 × 25 = 800). */
const PER_PROVIDER = 25;
const METERED_CLAIMS = 128;
const HOT_CLAIMS = 50;
/**
 * Claims each provider settles before anything is measured (32 × 30 = 960). DynamoDB Local's JVM
 * compiles its hot paths as it runs: cold, a 1 KB put cost 1.6 ms of its CPU and a 4-put transaction
 * 3.6 ms; after a few thousand requests 0.2 ms and 1.4 ms (measured on this machine). The figures
 * are the steady state a running local cloud has, not its first minute.
 */
export const WARM_UP_PER_PROVIDER = 30;
const LEVELS = ['tertiary', 'secondary', 'primary', 'primary'] as const;
const DISTRICTS = ['330902', '330903', '330921', '330922'];

/** One POST to the local API (bench/claims-load.ts: a dropped keep-alive connection is sent again; every request here is idempotent). */
const post = (cloud: LocalCloud, path: string, token: string, body: unknown) => postJson(`${cloud.apiUrl}${path}`, token, body);

/** Zhoushan 2024 residents enrolled through the API, 32 at a time; one in four is 特困 (every layer settles). */
async function enrolMembers(cloud: LocalCloud, staff: string, count: number, offset: number): Promise<string[]> {
  const members: string[] = [];
  for (let i = 0; i < count; i += 32) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(32, count - i) }, async (_, j) => {
        const n = offset + i + j;
        // 300 birth dates 97 days apart (1940–2019), then the next sequence number: unique ID numbers for 270,000 members.
        const birth = new Date(Date.UTC(1940, 0, 1) + (n % 300) * 97 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
        const first17 = `330902${birth}${String(100 + Math.floor(n / 300))}`;
        const enrolled = await post(cloud, '/v1/members', staff, {
          idNumber: first17 + checkCharacter(first17),
          year: 2024,
          region: '330900',
          scheme: 'resident',
          categories: n % 4 === 3 ? [{ code: 'dibao', validFrom: '2024-01-01' }] : [],
        });
        if (enrolled.status !== 201 && enrolled.status !== 200)
          throw new Error(`enrolment ${enrolled.status}: ${JSON.stringify(enrolled.body)}`);
        const memberId = enrolled.body.member.memberId as string;
        if (enrolled.body.enrolment.status !== 'active') {
          const paid = await post(cloud, `/v1/members/${memberId}/contributions`, staff, {
            contributionId: `BENCH-${n}`,
            year: 2024,
            amountFen: enrolled.body.enrolment.contribution.activationThresholdFen,
            paidOn: '2024-01-02',
          });
          if (paid.status >= 300) throw new Error(`contribution ${paid.status}: ${JSON.stringify(paid.body)}`);
        }
        return memberId;
      }),
    );
    members.push(...batch);
  }
  return members;
}

/** Until no queue holds a message (visible or in flight): every consumer has done its part. */
export async function drained(cloud: LocalCloud): Promise<void> {
  for (;;) {
    const depths = await cloud.queueDepths();
    if (Object.values(depths).every((d) => d.visible + d.inFlight === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Bare DynamoDB Local requests, no platform, each numbered (its keys start with `prefix`): a 1 KB put,
 * a consistent get of what that put wrote, and a settlement-shaped transaction of four puts (three
 * conditional). The ceiling here and the JVM's CPU per request (bench/claims-profile.ts) send these.
 */
export function bareRequests(client: DynamoDBClient, prefix: string) {
  const padding = 'x'.repeat(900);
  const item = (pk: string, sk: string) => ({ pk: { S: pk }, sk: { S: sk }, padding: { S: padding } });
  return {
    put: (i: number) =>
      client.send(new PutItemCommand({ TableName: 'yibao-outbox', Item: item(`${prefix}P${i}`, 'x') })).then(() => undefined),
    get: (i: number) =>
      client
        .send(new GetItemCommand({ TableName: 'yibao-outbox', Key: { pk: { S: `${prefix}P${i}` }, sk: { S: 'x' } }, ConsistentRead: true }))
        .then(() => undefined),
    transaction: (i: number) =>
      client
        .send(
          new TransactWriteItemsCommand({
            TransactItems: ['a', 'b', 'c', 'd'].map((sk) => ({
              Put: {
                TableName: 'yibao-outbox',
                Item: item(`${prefix}T${i}`, sk),
                ...(sk === 'd' ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            })),
          }),
        )
        .then(() => undefined),
  };
}

/** The JVM's warm-up (see WARM_UP_PER_PROVIDER): 3,000 puts, 3,000 gets and 1,500 transactions, unmeasured. */
export async function warmEmulator(client: DynamoDBClient): Promise<void> {
  const warm = bareRequests(client, 'WARM#');
  await runConcurrently(3_000, 32, warm.put);
  await runConcurrently(3_000, 32, warm.get);
  await runConcurrently(1_500, 32, warm.transaction);
}

/** Bare DynamoDB Local, no platform: what the emulator itself does with 32 callers at once. */
async function emulatorCeiling(cloud: LocalCloud, report: Report): Promise<void> {
  const client = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials });
  try {
    await warmEmulator(client);
    const bare = bareRequests(client, 'CEIL#');
    reportLatencies(report, 'emulator: bare PutItem (1 KB), 32 concurrent', await runConcurrently(2_000, 32, bare.put), 'puts/s');
    reportLatencies(report, 'emulator: bare GetItem, 32 concurrent', await runConcurrently(2_000, 32, bare.get), 'gets/s');
    reportLatencies(
      report,
      'emulator: bare TransactWriteItems (4 puts), 32 concurrent',
      await runConcurrently(800, 32, bare.transaction),
      'tx/s',
    );
  } finally {
    client.destroy();
  }
}

/**
 * What every settlement run needs: PROVIDERS providers registered, MEMBERS members enrolled, a token
 * per provider, and `settle`, which posts a generated bill (30-line inpatient at tertiary and
 * secondary providers, 5-line outpatient at primary ones) for a random member or the one named.
 */
export async function settlementSetUp(cloud: LocalCloud) {
  const staff = await cloud.mint({
    sub: 'bench-clerk',
    role: 'staff',
    permissions: (principals as { ALL_STAFF_PERMISSIONS?: string[] }).ALL_STAFF_PERMISSIONS ?? [],
  });
  const providers = Array.from({ length: PROVIDERS }, (_, i) => ({
    code: `H3309${String(i).padStart(7, '0')}`,
    level: LEVELS[i % 4]!,
    region: DISTRICTS[i % 4]!,
  }));
  for (const p of providers) {
    const res = await post(cloud, '/v1/providers', staff, {
      providerCode: p.code,
      name: `舟山定点医疗机构 ${p.code}`,
      level: p.level,
      region: p.region,
      kind: p.level === 'primary' ? 'township-centre' : 'hospital',
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`provider ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const members = await enrolMembers(cloud, staff, MEMBERS, 0);
  const tokens = await Promise.all(providers.map((p) => cloud.mint({ sub: `his-${p.code}`, role: 'provider', providerCode: p.code })));
  const billFor = billMaker(2024, providers, members, 'BENCH-');
  const settle = async (provider: number, memberId?: string) => {
    const res = await post(cloud, '/v1/claims', tokens[provider]!, billFor(provider, memberId));
    // 200: a repeat after a dropped connection replayed the settlement the first attempt made.
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`POST /v1/claims answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  };
  /** The providers on a thread of their own (bench/claims-load.ts), with their own claim numbers. */
  const providerLoad = () =>
    startProviderLoad({
      apiUrl: cloud.apiUrl,
      providers: providers.map((p, i) => ({ code: p.code, level: p.level, token: tokens[i]! })),
      members,
      claimPrefix: 'BENCH-LOAD-',
      seed: 2025,
    });
  return { staff, providers, members, tokens, billFor, settle, providerLoad };
}

export default async function claimsApiBench(report: Report): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  try {
    const { staff, providers, tokens, billFor, settle, providerLoad } = await settlementSetUp(cloud);
    const load = providerLoad();

    await emulatorCeiling(cloud, report);
    // Warm-up: handlers loaded, policies and providers cached, the JVM's and V8's hot paths compiled.
    await load.round({ perProvider: WARM_UP_PER_PROVIDER });

    // Requests and capacity per claim: the handlers' DynamoDB calls pass through the meter for a while.
    const meter = await startDynamoMeter(cloud.endpoints.dynamodb);
    const direct = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = meter.endpoint;
    try {
      await runConcurrently(METERED_CLAIMS, 32, (i) => settle(i % PROVIDERS));
      // The consumers' clients point at the meter too: let them finish there. Moving the variable
      // back remakes every client (shared/runtime/aws-clients.ts), failing their requests in flight,
      // and a failed message waits out its queue's visibility timeout (30 minutes for some).
      await drained(cloud);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = direct;
    }
    const adjudication = meter.counts().localFnAdjudication;
    await meter.stop();
    if (adjudication) {
      const ops = Object.entries(adjudication.byOperation)
        .sort((a, b) => b[1].requests - a[1].requests)
        .map(([op, c]) => `${op} ${(c.requests / METERED_CLAIMS).toFixed(2)} (${(c.capacityUnits / METERED_CLAIMS).toFixed(1)} units)`)
        .join(', ');
      report({
        name: 'POST /v1/claims: DynamoDB requests per claim',
        value: adjudication.requests / METERED_CLAIMS,
        unit: 'requests',
        note: `${METERED_CLAIMS} claims, 32 at once: ${ops}`,
      });
      report({
        name: 'POST /v1/claims: consumed capacity per claim',
        value: adjudication.capacityUnits / METERED_CLAIMS,
        unit: 'capacity units',
        note: 'ReturnConsumedCapacity TOTAL, reads + writes',
      });
    }

    // One request at a time: what a claim costs without queueing behind 31 others.
    const alone: number[] = [];
    for (let n = 0; n < 100; n++) {
      const t0 = performance.now();
      await settle(n % PROVIDERS);
      alone.push(performance.now() - t0);
    }
    alone.sort((a, b) => a - b);
    report({ name: 'POST /v1/claims, one caller at a time: p50 latency', value: percentile(alone, 50), unit: 'ms', note: '100 claims' });
    report({ name: 'POST /v1/claims, one caller at a time: p99 latency', value: percentile(alone, 99), unit: 'ms' });

    const presettle = await load.round({ perProvider: 10, path: '/v1/claims/pre-settle' });
    reportLatencies(
      report,
      `POST /v1/claims/pre-settle, ${PROVIDERS} concurrent providers, ${MEMBERS.toLocaleString('en-US')} members (${presettle.latenciesMs.length})`,
      presettle,
      'claims/s',
    );

    // Throughput and latency with 32 providers at once.
    const settled = await load.round({ perProvider: PER_PROVIDER });
    reportLatencies(
      report,
      `POST /v1/claims, ${PROVIDERS} concurrent providers, ${MEMBERS.toLocaleString('en-US')} members (${settled.latenciesMs.length})`,
      settled,
      'claims/s',
    );
    report({
      name: 'POST /v1/claims: p90 latency',
      value: percentile(settled.latenciesMs, 90),
      unit: 'ms',
      note: `${PROVIDERS} providers (1 in 4 tertiary, 1 in 4 secondary: 30-line inpatient bills; the rest primary: 5-line outpatient), ${MEMBERS} members, Zhoushan 2024; the consumers (fraud scoring, payment facts, audit…) running on the same thread`,
    });

    // The request path alone: the same round with every consumer held, as on AWS, where they run on
    // capacity of their own. (A base commit from before the hold has no `consumers`: skipped there.)
    const consumers = (cloud as Partial<LocalCloud>).consumers;
    if (consumers) {
      await drained(cloud);
      consumers.pause();
      const alone = await load.round({ perProvider: PER_PROVIDER });
      consumers.resume();
      reportLatencies(
        report,
        `POST /v1/claims, ${PROVIDERS} concurrent providers, ${MEMBERS.toLocaleString('en-US')} members, consumers held (${alone.latenciesMs.length})`,
        alone,
        'claims/s',
      );
      await drained(cloud);
    }
    await load.stop();

    // One hot member: 50 claims at once at township centres (5-line outpatient bills).
    const [hot] = await enrolMembers(cloud, staff, 1, MEMBERS);
    const primaries = providers.flatMap((p, i) => (p.level === 'primary' ? [i] : []));
    let unavailable = 0;
    const hotRun = await runConcurrently(HOT_CLAIMS, HOT_CLAIMS, async (i) => {
      const provider = primaries[i % primaries.length]!;
      const bill = billFor(provider, hot);
      // A 503 (contention) is retry-safe: the caller sends the same bill again, as a HIS would.
      for (;;) {
        const res = await post(cloud, '/v1/claims', tokens[provider]!, bill);
        if (res.status === 201 || res.status === 200) return;
        if (res.status !== 503) throw new Error(`hot member: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        unavailable++;
      }
    });
    const accumulator = await new DynamoDBClient({
      endpoint: cloud.endpoints.dynamodb,
      region: cloud.region,
      credentials: cloud.credentials,
    }).send(
      new GetItemCommand({
        TableName: 'yibao-accumulators',
        Key: { pk: { S: `MEMBER#${hot}` }, sk: { S: 'YEAR#2024' } },
        ConsistentRead: true,
      }),
    );
    const version = Number(accumulator.Item?.version?.N ?? 0);
    const counted = Number(accumulator.Item?.counters?.M?.claims?.N ?? 0);
    const exact = version === HOT_CLAIMS && counted === HOT_CLAIMS;
    report({
      name: `one member, ${HOT_CLAIMS} claims at once: p50 latency`,
      value: percentile(hotRun.latenciesMs, 50),
      unit: 'ms',
    });
    report({
      name: `one member, ${HOT_CLAIMS} claims at once: p95 latency`,
      value: percentile(hotRun.latenciesMs, 95),
      unit: 'ms',
      note: `accumulators ${exact ? 'exact' : 'NOT EXACT'} (version ${version}, claims ${counted}); ${unavailable} 503s retried`,
    });
  } finally {
    await cloud.stop();
  }
}
