/**
 * The providers' side of the settlement benchmarks, on a thread of its own: each of the providers
 * posts generated bills to `POST /v1/claims`, one after the other, all providers at once, and the
 * latencies come back to the bench.
 *
 * Why a thread: the hospitals' systems are other machines. Run on the local cloud's own thread, the
 * load generator's HTTP clients, bill generation and JSON took about a tenth of that thread's CPU per
 * claim (bench:profile, 1,600 claims), time the platform then did not have: the bench measured the
 * platform and its callers together. Here the callers share the machine's cores, as they must on
 * one machine, but not the event loop the gateway and the handlers run on.
 *
 * Started from bench/claims-api.bench.ts through `startProviderLoad`; speaks only HTTP, so
 * bench/compare.ts runs it against an older commit's API as well.
 */
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Bill } from '../shared/settlement/bill.ts';
import { generatedInpatientBill, generatedOutpatientBill, seededRandom } from '../shared/settlement/examples.ts';

export interface LoadSetUp {
  apiUrl: string;
  providers: { code: string; level: string; token: string }[];
  members: string[];
  /** Claim numbers are `<prefix><n>`: distinct from any other thread's. */
  claimPrefix: string;
  seed: number;
}

/** One round: every provider settles `perProvider` bills, all providers at once. */
interface Round {
  perProvider: number;
  /** Post to this path instead (pre-settlement answers 200, settlement 201). */
  path?: '/v1/claims' | '/v1/claims/pre-settle';
}

export interface RoundResult {
  latenciesMs: number[];
  wallMs: number;
  /** CPU this thread used over the round (Linux: /proc/thread-self; NaN elsewhere). */
  cpuMs: number;
}

/** User + system CPU of the calling thread, in ms, from /proc/thread-self/stat (clock ticks of 10 ms). */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

type FromWorker = { result: RoundResult } | { error: string };

/**
 * One POST. A connection the server closed just as it was reused (keep-alive's race, frequent on a
 * loaded machine) is sent again: a claim is idempotent by provider and claim number, so a repeat
 * answers as the first would have, or replays it.
 */
export async function postJson(url: string, token: string, body: unknown): Promise<{ status: number; body: any }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * The bench's bills, from one seed: a 30-line inpatient bill at tertiary and secondary providers, a
 * 5-line outpatient one at primary ones, for a random member or the one named; claim numbers
 * `<prefix><n>`. Zhoushan 2024.
 */
export function billMaker(
  seed: number,
  providers: readonly { code: string; level: string }[],
  members: readonly string[],
  prefix: string,
): (provider: number, memberId?: string) => Bill {
  const random = seededRandom(seed);
  let claims = 0;
  return (provider, memberId) => {
    const p = providers[provider]!;
    const claimNo = `${prefix}${claims++}`;
    const bill =
      p.level === 'primary' ? generatedOutpatientBill(random, claimNo, 5, 2024) : generatedInpatientBill(random, claimNo, 30, 2024);
    return { ...bill, providerCode: p.code, memberId: memberId ?? members[Math.floor(random() * members.length)]! };
  };
}

function providerLoad(setUp: LoadSetUp) {
  const billFor = billMaker(setUp.seed, setUp.providers, setUp.members, setUp.claimPrefix);
  return async ({ perProvider, path = '/v1/claims' }: Round): Promise<RoundResult> => {
    const latenciesMs: number[] = [];
    const cpu0 = threadCpuMs();
    const started = performance.now();
    await Promise.all(
      setUp.providers.map(async (p, provider) => {
        for (let n = 0; n < perProvider; n++) {
          const bill = billFor(provider);
          const t0 = performance.now();
          const res = await postJson(`${setUp.apiUrl}${path}`, p.token, bill);
          latenciesMs.push(performance.now() - t0);
          // 200: a replay (settlement) or the answer (pre-settlement); 201: settled now.
          if (res.status !== 201 && res.status !== 200)
            throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }),
    );
    const wallMs = performance.now() - started;
    return { latenciesMs: latenciesMs.sort((a, b) => a - b), wallMs, cpuMs: threadCpuMs() - cpu0 };
  };
}

/** Starts the providers' thread; `round` runs one round there and resolves with its latencies. */
export function startProviderLoad(setUp: LoadSetUp): { round(round: Round): Promise<RoundResult>; stop(): Promise<void> } {
  // The bench runs under tsx; a worker thread does not inherit its loader, so the worker loads this
  // file through tsx's API.
  const self = new URL(import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(self)}, ${JSON.stringify(self)}))`, {
    eval: true,
    workerData: { providerLoad: setUp },
  });
  let pending: { resolve: (r: RoundResult) => void; reject: (e: Error) => void } | undefined;
  worker.on('message', (message: FromWorker) => {
    const waiting = pending;
    pending = undefined;
    if ('result' in message) waiting?.resolve(message.result);
    else waiting?.reject(new Error(message.error));
  });
  worker.on('error', (error) => {
    pending?.reject(error);
    pending = undefined;
  });
  return {
    round: (round) =>
      new Promise<RoundResult>((resolve, reject) => {
        if (pending) throw new Error('one round at a time');
        pending = { resolve, reject };
        worker.postMessage(round);
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}

if (!isMainThread && (workerData as { providerLoad?: LoadSetUp } | undefined)?.providerLoad) {
  const run = providerLoad((workerData as { providerLoad: LoadSetUp }).providerLoad);
  parentPort!.on('message', (round: Round) => {
    run(round).then(
      (result) => parentPort!.postMessage({ result } satisfies FromWorker),
      (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies FromWorker),
    );
  });
}
