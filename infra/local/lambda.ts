import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions, type FunctionKey } from '../topology.ts';
import { type LocalIam, localIam } from './guard.ts';
import { runAs } from './identity.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** One invocation, as the local runtime saw it: for `npm start`'s console and for tests. */
export interface Invocation {
  function: FunctionKey;
  trigger: 'http' | 'authorizer' | 'sqs' | 'schedule';
  startedAt: number;
  durationMs: number;
  ok: boolean;
}

/**
 * Runs the functions' real handler modules in this process, with a Lambda-shaped context.
 * A handler module is loaded once (its module scope is the "container"), as Lambda reuses a
 * warm container. Each invocation runs as its function (infra/local/identity.ts): it sees only the
 * resource variables the stack gives that function, and its SDK calls carry that function's
 * credentials and are allowed only what its topology entry grants (infra/local/guard.ts). One gap
 * remains: a shared module is loaded once for every function that imports it, so what one function
 * cached in module scope another could read without a call (on AWS each has its own copy).
 */
export class LocalLambda {
  private readonly loaded = new Map<FunctionKey, Promise<Handler>>();
  readonly invocations: Invocation[] = [];
  /** The invocations running now: a stop lets them finish before the emulators they call go (`drain`). */
  private readonly running = new Set<Promise<unknown>>();
  private readonly observers = new Set<(fn: FunctionKey, event: unknown, trigger: Invocation['trigger']) => void>();

  constructor(
    private readonly root: string,
    private readonly region: string,
    /** What each function may touch, and what was refused: its calls and its environment follow it. */
    readonly iam: LocalIam = localIam({ region, account: '000000000000' }),
    /** A shorter deadline for some functions than the topology's (a test of what a timeout answers). */
    private readonly timeoutSeconds: Partial<Record<FunctionKey, number>> = {},
  ) {}

  /** Runs `work` as `fn` would run on this cloud: its credentials, its variables, its grants. */
  runAs<T>(fn: FunctionKey, work: () => T): T {
    return runAs(fn, this.iam, work);
  }

  private load(fn: FunctionKey): Promise<Handler> {
    let handler = this.loaded.get(fn);
    if (!handler) {
      const url = pathToFileURL(resolve(this.root, functions[fn].entry)).href;
      handler = import(url).then((mod: { handler?: Handler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${functions[fn].entry} exports no handler`);
        return mod.handler;
      });
      this.loaded.set(fn, handler);
    }
    return handler;
  }

  /** Sees every event a function is handed (tests use it to check what a consumer received). */
  observe(listener: (fn: FunctionKey, event: unknown, trigger: Invocation['trigger']) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  async invoke(fn: FunctionKey, event: unknown, trigger: Invocation['trigger']): Promise<unknown> {
    this.observers.forEach((listener) => listener(fn, event, trigger));
    const spec = functions[fn];
    const startedAt = Date.now();
    const deadline = startedAt + (this.timeoutSeconds[fn] ?? spec.timeoutSeconds) * 1000;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: `yibao-${fn}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.region}:000000000000:function:yibao-${fn}`,
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/yibao-${fn}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let ok = false;
    const run = this.runAs(fn, async () => {
      const handler = await this.load(fn);
      return handler(event, context);
    });
    this.running.add(run);
    try {
      const result = await run;
      ok = true;
      return result;
    } finally {
      this.running.delete(run);
      this.invocations.push({ function: fn, trigger, startedAt, durationMs: Date.now() - startedAt, ok });
      if (this.invocations.length > 10_000) this.invocations.splice(0, 5_000);
    }
  }

  /**
   * Waits until no invocation runs (those running now and any they start meanwhile), or `maxMs` at
   * most; resolves to how many still run. A stop calls it once the gateway, the schedules and the
   * pollers take no new work, so that a handler in flight finishes against the tables and queues it
   * started with, instead of failing on an emulator already gone and logging errors on every Ctrl-C.
   */
  async drain(maxMs: number): Promise<number> {
    const until = Date.now() + maxMs;
    while (this.running.size > 0 && Date.now() < until) {
      let timer: NodeJS.Timeout | undefined;
      const timeLeft = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, until - Date.now());
      });
      await Promise.race([Promise.allSettled([...this.running]), timeLeft]);
      clearTimeout(timer);
    }
    return this.running.size;
  }
}
