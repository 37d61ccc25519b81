/**
 * How the demo year talks to the platform: plain HTTP to the API, as a HIS, a clerk or a regulator
 * would, with a bearer token each. A 503 (accumulators contended) or 429 is retried, as the API asks;
 * any other answer outside what the caller expects stops the demo naming the route and the answer,
 * because a demo that goes on after a refusal would print figures that mean nothing.
 */
import { retry } from '../../../shared/runtime/retry.ts';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON answers of some thirty routes, each read field by field where it is used
  body: any;
  headers: Headers;
}

export class DemoCallFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

class Transient extends Error {}

export interface DemoClient {
  baseUrl: string;
  /** A call answered with one of `ok` (default: any 2xx), else DemoCallFailed. */
  call(method: string, path: string, token: string, body?: unknown, ok?: readonly number[]): Promise<Answer>;
  /** Calls made so far (for the throughput figures). */
  readonly calls: number;
  /** Answers 500 that were sent again. */
  readonly serverErrors: number;
}

export function demoClient(baseUrl: string): DemoClient {
  let calls = 0;
  let serverErrors = 0;
  const once = async (method: string, path: string, token: string, body: unknown) => {
    calls++;
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // A connection reset under load: the request may or may not have run; every demo write is idempotent.
      throw new Transient(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await res.text();
    // 503 (contended accumulators) and 429 ask for a retry. A 500 should not happen, but on a machine
    // loaded far past its cores a handler can run out of its time: every demo write is idempotent, so it
    // is sent again (and counted, so the run says so) rather than ending the year.
    if (res.status === 500) serverErrors++;
    if (res.status === 503 || res.status === 429 || res.status === 500)
      throw new Transient(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    const json = res.headers.get('content-type')?.includes('json');
    return { status: res.status, body: text && json ? JSON.parse(text) : text, headers: res.headers };
  };
  return {
    baseUrl,
    get calls() {
      return calls;
    },
    get serverErrors() {
      return serverErrors;
    },
    async call(method, path, token, body, ok) {
      const answer = await retry(() => once(method, path, token, body), {
        maxAttempts: 8,
        baseDelayMs: 50,
        maxDelayMs: 2_000,
        retryable: (e) => e instanceof Transient,
      });
      const accepted = ok ? ok.includes(answer.status) : answer.status >= 200 && answer.status < 300;
      if (!accepted)
        throw new DemoCallFailed(
          `${method} ${path} → ${answer.status} ${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}`.slice(
            0,
            1_000,
          ),
          answer.status,
          answer.body,
        );
      return answer;
    },
  };
}

/** Runs `work` over `items` with at most `lanes` at a time, in order of the items within each lane's pick. */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
}
