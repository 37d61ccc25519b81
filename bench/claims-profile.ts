/**
 * `npm run bench:profile [-- --claims 800] [--meter] [--cpu-prof <file>] [--hold-consumers] [--jfr <file>]`: where a claim's time goes on the
 * local cloud. Sets up the API bench's providers and members (bench/claims-api.bench.ts), warms up,
 * then settles `--claims` bills with 32 providers at once and waits until every consumer has drained
 * its queue, measuring over exactly that window:
 *   - DynamoDB Local's own CPU per bare request (put, get, a transaction of four puts), and what a
 *     claim's requests cost it at that rate: the emulator's ceiling in CPU;
 *   - CPU per claim of this Node process (gateway, authorizer, handlers, consumers, SQS, the bus,
 *     the bench's own HTTP clients) and of DynamoDB Local's JVM (read from /proc), and the machine's;
 *   - invocations per claim and their summed wall time, per function;
 *   - with --meter, DynamoDB requests and capacity per claim, per function (the metering proxy, a
 *     hop that costs this process CPU of its own, so left out unless asked);
 *   - with --cpu-prof, a V8 CPU profile of this process over the window (open it in Chrome DevTools),
 *     summarised by package and by function;
 *   - with --hold-consumers, the request path alone: every queue's consumer held over the window (on
 *     AWS they run on capacity of their own), which then ends when the last claim is answered;
 *   - with --drain-each (implies --hold-consumers), then each consumer alone: the queues let go one at
 *     a time, each drained while the others wait, with this process's and the JVM's CPU per claim
 *     over its drain: what each consumer costs the machine when the consumers run beside the API;
 *   - with --cpu-prof-each <folder> (with --drain-each), a V8 CPU profile of each consumer's drains:
 *     <folder>/<queue>.cpuprofile, summarised like --cpu-prof's;
 *   - with --jfr <file>, a Java Flight Recorder recording of DynamoDB Local's JVM over the window (open
 *     it in JDK Mission Control, or `jfr print`), summarised by whose code ran (bench/jvm-profile.ts).
 * The providers post from a thread of their own (bench/claims-load.ts); its CPU is shown apart. The first
 * line gives the machine's speed (bench/machine-speed.ts): machines of this kind differ by half and more.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { queues, type QueueKey } from '../infra/topology.ts';
import { startDynamoMeter } from '../infra/local/dynamo-meter.ts';
import { quietNodeVersionNotice } from '../infra/local/quiet.ts';
import { bareRequests, drained as drainedQueues, settlementSetUp, WARM_UP_PER_PROVIDER, warmEmulator } from './claims-api.bench.ts';
import { startJvmRecording } from './jvm-profile.ts';
import { machineSpeedMs } from './machine-speed.ts';
import { percentile, runConcurrently } from './support.ts';

quietNodeVersionNotice();
const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '800' },
    'cpu-prof': { type: 'string' },
    meter: { type: 'boolean', default: false },
    'hold-consumers': { type: 'boolean', default: false },
    'drain-each': { type: 'boolean', default: false },
    'cpu-prof-each': { type: 'string' },
    jfr: { type: 'string' },
  },
});
// Before the cloud starts: the machine's own speed, so a profile from another machine is read as such.
const machineMs = machineSpeedMs();
const PROVIDERS = 32;
/** Whole rounds: every provider settles the same number of bills. */
const CLAIMS = Math.ceil(Number(values.claims) / PROVIDERS) * PROVIDERS;

/** Clock ticks (1/100 s on Linux) of user + system time of a process, from /proc/<pid>/stat. */
function ticksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The JVM DynamoDB Local runs in: this process's child named java. */
function javaPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && stat.includes('(java)')) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** Busy and total ticks of the whole machine, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - cpu[4]!, total };
}

/**
 * The JVM's own CPU per bare request (32 callers at once, no platform): what DynamoDB Local spends on
 * a 1 KB put, a get and a settlement-shaped transaction of four puts, whoever sends them.
 */
async function emulatorCpu(java: number): Promise<{ put: number; get: number; transaction: number }> {
  const client = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials });
  const perRequest = async (n: number, send: (i: number) => Promise<void>) => {
    const before = ticksOf(java);
    await runConcurrently(n, 32, send);
    return ((ticksOf(java) - before) * 10) / n;
  };
  try {
    await warmEmulator(client);
    const bare = bareRequests(client, 'CPU#');
    const put = await perRequest(2_000, bare.put);
    const get = await perRequest(2_000, bare.get);
    const transaction = await perRequest(800, bare.transaction);
    return { put, get, transaction };
  } finally {
    client.destroy();
  }
}

const cloud = await startLocalCloud({ logLevel: 'SILENT' });
const drained = () => drainedQueues(cloud);
try {
  const java = javaPid();
  // Before the set-up and the warm-ups, which absorb what starting a recording costs the JVM
  // (bench/jvm-profile.ts): begun after the set-up, it still inflated the bare requests' figures.
  const jvmRecording = values.jfr && java ? startJvmRecording(java, values.jfr) : undefined;
  if (values.jfr && !java) process.stderr.write("--jfr: no DynamoDB Local JVM among this process's children, nothing recorded\n");
  const { providerLoad } = await settlementSetUp(cloud);
  const load = providerLoad();
  const bare = java ? await emulatorCpu(java) : undefined;
  // Warm-up: every handler loaded, caches filled, the JVM's and V8's hot paths compiled (see
  // WARM_UP_PER_PROVIDER in bench/claims-api.bench.ts), the consumers' first messages handled.
  await load.round({ perProvider: WARM_UP_PER_PROVIDER });
  await drained();

  // The meter is a proxy hop of its own (this process's CPU): only when asked.
  const meter = values.meter ? await startDynamoMeter(cloud.endpoints.dynamodb) : undefined;
  const direct = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (meter) process.env.AWS_ENDPOINT_URL_DYNAMODB = meter.endpoint;
  const session = new Session();
  if (values['cpu-prof']) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const invocationsBefore = cloud.lambda.invocations.length;
  const node0 = process.cpuUsage();
  const java0 = java ? ticksOf(java) : 0;
  const machine0 = machineTicks();
  const hold = values['hold-consumers'] === true || values['drain-each'] === true;
  if (hold) cloud.consumers.pause();
  const t0 = performance.now();
  const windowFrom = Date.now();
  const { latenciesMs: latencies, cpuMs: providersCpuMs } = await load.round({ perProvider: CLAIMS / PROVIDERS });
  const settledMs = performance.now() - t0;
  await load.stop();
  // Held: the window is the settling alone (what the consumers owe waits in their queues).
  if (!hold) await drained();
  const windowMs = performance.now() - t0;
  const nodeCpu = process.cpuUsage(node0);
  const javaTicks = java ? ticksOf(java) - java0 : Number.NaN;
  const machine1 = machineTicks();
  let profile: unknown;
  if (values['cpu-prof']) {
    ({ profile } = await session.post('Profiler.stop'));
    session.disconnect();
  }
  // After every clock and profile is read: `jfr print` takes this process some seconds.
  const jvmSummary = jvmRecording?.stop({ from: windowFrom, to: windowFrom + windowMs });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = direct;
  const counts = meter?.counts() ?? {};
  await meter?.stop();

  latencies.sort((a, b) => a - b);
  const perClaim = (ms: number) => `${(ms / CLAIMS).toFixed(2)} ms/claim`;
  const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000;
  const javaMs = javaTicks * 10;
  const machineBusyMs = ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * windowMs * 2;
  const out: string[] = [];
  out.push(
    `${CLAIMS} claims, ${PROVIDERS} providers at once, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, machine ${machineMs} ms for bench/machine-speed.ts's fixed work`,
  );
  out.push(
    `settled in ${(settledMs / 1000).toFixed(2)} s (${((CLAIMS / settledMs) * 1000).toFixed(1)} claims/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms); consumers drained ${((windowMs - settledMs) / 1000).toFixed(2)} s later`,
  );
  out.push(`CPU over the ${(windowMs / 1000).toFixed(2)} s window (${hold ? 'settling, consumers held' : 'settling and draining'}):`);
  out.push(
    `  this Node process   ${nodeMs.toFixed(0).padStart(7)} ms  ${perClaim(nodeMs)}  (${((nodeMs / windowMs) * 100).toFixed(0)}% of one core)`,
  );
  out.push(
    `    of which the providers' thread (bench/claims-load.ts) ${providersCpuMs.toFixed(0)} ms  ${perClaim(providersCpuMs)}; the local cloud's ${perClaim(nodeMs - providersCpuMs)}`,
  );
  out.push(
    `  DynamoDB Local JVM  ${javaMs.toFixed(0).padStart(7)} ms  ${perClaim(javaMs)}  (${((javaMs / windowMs) * 100).toFixed(0)}% of one core)`,
  );
  if (bare) {
    out.push(
      `DynamoDB Local's own CPU per bare request (32 at once): PutItem 1 KB ${bare.put.toFixed(2)} ms, GetItem ${bare.get.toFixed(2)} ms, TransactWriteItems of 4 puts ${bare.transaction.toFixed(2)} ms`,
    );
    // A settlement's own four requests, at their lightest: a read, a query, the transaction, a delete.
    const floor = 2 * bare.get + bare.transaction + bare.put;
    out.push(
      `  a claim's four requests at bare cost ≈ ${floor.toFixed(1)} ms of JVM CPU: 150 claims/s would need ${((floor * 150) / 10).toFixed(0)}% of one core for settlement alone, ${(((javaMs / CLAIMS) * 150) / 10).toFixed(0)}% with what the consumers ask per claim as measured above`,
    );
  }
  out.push(
    `  whole machine busy  ${machineBusyMs.toFixed(0).padStart(7)} ms  (of ${(windowMs * 2).toFixed(0)} ms on 2 cores; the rest of it is other processes)`,
  );
  // Which limit binds: the local cloud runs every handler on one event loop, so it cannot settle
  // faster than one core's worth of its CPU per claim, whatever the JVM leaves free; and the two
  // cores together cannot settle faster than all the CPU a claim costs here. (The loop's figure is the
  // process's CPU less the providers' thread: V8's and libuv's helper threads are in it, so its
  // ceiling is a little higher than printed.)
  const loopMsPerClaim = (nodeMs - providersCpuMs) / CLAIMS;
  const allMsPerClaim = (nodeMs + javaMs) / CLAIMS;
  out.push(
    `  ceilings at these costs: the local cloud's one event loop ${(1000 / loopMsPerClaim).toFixed(0)} claims/s; two cores for all of it ${(2000 / allMsPerClaim).toFixed(0)} claims/s`,
  );
  const invocations = cloud.lambda.invocations.slice(invocationsBefore);
  const byFunction = new Map<string, { n: number; ms: number }>();
  for (const i of invocations) {
    const k = `${i.function} (${i.trigger})`;
    const f = byFunction.get(k) ?? { n: 0, ms: 0 };
    f.n++;
    f.ms += i.durationMs;
    byFunction.set(k, f);
  }
  out.push('invocations per claim (summed wall time per claim; overlapping, so not CPU):');
  for (const [k, f] of [...byFunction].sort((a, b) => b[1].ms - a[1].ms))
    out.push(`  ${k.padEnd(34)} ${(f.n / CLAIMS).toFixed(2).padStart(6)}  ${perClaim(f.ms)}`);
  if (meter) out.push('DynamoDB requests per claim, by function (capacity units per claim):');
  for (const [caller, c] of Object.entries(counts).sort((a, b) => b[1].requests - a[1].requests)) {
    const ops = Object.entries(c.byOperation)
      .map(([op, o]) => `${op} ${(o.requests / CLAIMS).toFixed(2)}`)
      .join(', ');
    out.push(
      `  ${caller.padEnd(30)} ${(c.requests / CLAIMS).toFixed(2).padStart(6)} (${(c.capacityUnits / CLAIMS).toFixed(1)} units): ${ops}`,
    );
  }
  if (jvmSummary) out.push(`Java Flight Recorder recording of DynamoDB Local over the window: ${values.jfr}`, ...jvmSummary);
  if (values['drain-each']) out.push(...(await drainEach(java, { loopMs: nodeMs - providersCpuMs, javaMs }, values['cpu-prof-each'])));
  if (profile) {
    writeFileSync(values['cpu-prof']!, JSON.stringify(profile));
    out.push(`CPU profile of this process over the window: ${values['cpu-prof']}`);
    out.push(...summarise(profile as CpuProfile, nodeMs));
  }
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await cloud.stop();
}
process.exit(0);

/**
 * What each consumer costs, alone: its queue let go while every other waits, drained, held again; in
 * turns until every queue is empty (a consumer publishes into others' queues: fraud scoring's alerts,
 * DRG grouping's cases), a queue's turns summed. Per claim of the held round.
 */
async function drainEach(
  java: number | undefined,
  requestPath: { loopMs: number; javaMs: number },
  profileFolder: string | undefined,
): Promise<string[]> {
  const spent = new Map<QueueKey, { nodeMs: number; javaMs: number; wallMs: number; messages: number }>();
  // One profiler session, started and stopped around each drain; a queue's drains go in one profile each.
  const profiler = profileFolder ? new Session() : undefined;
  const profiles: { queue: QueueKey; profile: CpuProfile; nodeMs: number }[] = [];
  if (profiler) {
    mkdirSync(profileFolder!, { recursive: true });
    profiler.connect();
    await profiler.post('Profiler.enable');
  }
  for (;;) {
    const depths = await cloud.queueDepths();
    const next = (Object.keys(queues) as QueueKey[]).find((q) => depths[q]!.visible + depths[q]!.inFlight > 0);
    if (!next) break;
    const depth = depths[next]!;
    const node0 = process.cpuUsage();
    const java0 = java ? ticksOf(java) : 0;
    const t0 = performance.now();
    if (profiler) await profiler.post('Profiler.start');
    cloud.consumers.resume(next);
    for (;;) {
      const d = (await cloud.queueDepths())[next]!;
      if (d.visible + d.inFlight === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    cloud.consumers.pause(next);
    const node = process.cpuUsage(node0);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiles.push({ queue: next, profile: profile as CpuProfile, nodeMs: (node.user + node.system) / 1000 });
    }
    const s = spent.get(next) ?? { nodeMs: 0, javaMs: 0, wallMs: 0, messages: 0 };
    s.nodeMs += (node.user + node.system) / 1000;
    s.javaMs += java ? (ticksOf(java) - java0) * 10 : Number.NaN;
    s.wallMs += performance.now() - t0;
    s.messages += depth.visible + depth.inFlight;
    spent.set(next, s);
  }
  cloud.consumers.resume();
  profiler?.disconnect();
  const lines = ['each consumer alone, its queue drained while the others waited (CPU per claim of the round):'];
  let node = 0;
  let jvm = 0;
  for (const [q, s] of [...spent].sort((a, b) => b[1].nodeMs + b[1].javaMs - (a[1].nodeMs + a[1].javaMs))) {
    node += s.nodeMs;
    jvm += s.javaMs;
    lines.push(
      `  ${q.padEnd(22)} ${(s.messages / CLAIMS).toFixed(2).padStart(5)} messages  this process ${(s.nodeMs / CLAIMS).toFixed(2).padStart(6)} ms  JVM ${(s.javaMs / CLAIMS).toFixed(2).padStart(6)} ms  (${(s.wallMs / 1000).toFixed(1)} s)`,
    );
  }
  lines.push(
    `  all consumers            this process ${(node / CLAIMS).toFixed(2).padStart(6)} ms  JVM ${(jvm / CLAIMS).toFixed(2).padStart(6)} ms`,
  );
  // With every consumer keeping up, a claim costs the request path's CPU and all of theirs: the same two
  // ceilings as the held round's, for the steady state of a cloud that settles and projects as it goes.
  const loopPerClaim = (requestPath.loopMs + node) / CLAIMS;
  const allPerClaim = loopPerClaim + (requestPath.javaMs + jvm) / CLAIMS;
  lines.push(
    `  ceilings with every consumer keeping up: the local cloud's one event loop ${(1000 / loopPerClaim).toFixed(0)} claims/s; two cores for all of it ${(2000 / allPerClaim).toFixed(0)} claims/s`,
  );
  // A queue drained in several turns has a profile per turn: <queue>.cpuprofile, <queue>-2.cpuprofile …
  const turns = new Map<QueueKey, number>();
  for (const { queue, profile, nodeMs } of profiles) {
    const turn = (turns.get(queue) ?? 0) + 1;
    turns.set(queue, turn);
    const file = join(profileFolder!, `${queue}${turn > 1 ? `-${turn}` : ''}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    lines.push(`CPU profile of ${queue}'s drain${turn > 1 ? ` (turn ${turn})` : ''}: ${file}`);
    if (turn === 1) lines.push(...summarise(profile, nodeMs, 12));
  }
  return lines;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by package or source folder, and the heaviest functions. */
function summarise(profile: CpuProfile, nodeMs: number, rows = 30): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const place = (url: string, name: string) => {
    if (name === '(idle)' || name === '(garbage collector)' || name === '(program)') return name;
    if (!url) return `(native) ${name}`;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return `npm ${pkg[1]}`;
    const own = /\/((?:shared|functions|infra|events)\/[^/]+)\//.exec(url);
    if (own) return own[1]!;
    return url.startsWith('node:') ? `node ${url.slice(5).split('/').slice(0, 2).join('/')}` : url.slice(-50);
  };
  const byPlace = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { callFrame } = byId.get(id)!;
    const where = place(callFrame.url, callFrame.functionName);
    byPlace.set(where, (byPlace.get(where) ?? 0) + dt);
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return [
    `self time by place (${(total / 1000).toFixed(0)} ms sampled; CPU ${nodeMs.toFixed(0)} ms):`,
    ...top(byPlace, rows),
    'heaviest functions (self time):',
    ...top(byFn, rows),
  ];
}
