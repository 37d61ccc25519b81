/**
 * One signed POST to a subscriber. Redirects are not followed (a webhook that moved must be
 * re-registered, and a redirect must not lead the platform somewhere the URL check never saw);
 * an answer that takes longer than the timeout counts as a failed attempt.
 *
 * Before each POST the target is checked again, not only its URL: a name that resolves now (perhaps
 * not when the subscription was made) to a loopback, private, link-local or metadata address is
 * refused before any byte is sent. Only the local cloud's own machine, named literally, may be reached
 * when the local flag is on. The check resolves the name itself, then fetch resolves it again to
 * connect: a name whose answers flip between the two lookups (milliseconds apart) is the one case left,
 * and the deployed function runs in a VPC-less Lambda whose network reaches no private range anyway.
 */
import { lookup as dnsLookup } from 'node:dns';
import { ALLOW_LOCAL_WEBHOOKS_ENV, internalTargetProblem, type Resolve } from '../../shared/fraud/subscription.ts';

export interface PostResult {
  status?: number;
  error?: string;
  durationMs: number;
}

export type Post = (url: string, body: string, headers: Record<string, string>) => Promise<PostResult>;

export const DEFAULT_TIMEOUT_MS = 5_000;

const systemResolve: Resolve = (hostname) =>
  new Promise((done, fail) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? fail(error) : done(addresses))));

export function postWebhook(timeoutMs = DEFAULT_TIMEOUT_MS, options: { resolve?: Resolve; allowLocal?: boolean } = {}): Post {
  const resolve = options.resolve ?? systemResolve;
  const allowLocal = () => options.allowLocal ?? process.env[ALLOW_LOCAL_WEBHOOKS_ENV] === 'true';
  return async (url, body, headers) => {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    const refused = await internalTargetProblem(url, resolve, allowLocal());
    if (refused) return { error: `refused: ${refused}`, durationMs: took() };
    try {
      const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status, durationMs: took() };
    } catch (error) {
      const name = (error as { name?: string }).name;
      const message =
        name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
      return { error: message, durationMs: took() };
    }
  };
}
