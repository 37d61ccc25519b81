/**
 * One signed POST to a subscriber. Redirects are not followed (a webhook that moved must be
 * re-registered, and a redirect must not lead the platform somewhere the URL check never saw);
 * an answer that takes longer than the timeout counts as a failed attempt.
 */
export interface PostResult {
  status?: number;
  error?: string;
  durationMs: number;
}

export type Post = (url: string, body: string, headers: Record<string, string>) => Promise<PostResult>;

export const DEFAULT_TIMEOUT_MS = 5_000;

export function postWebhook(timeoutMs = DEFAULT_TIMEOUT_MS): Post {
  return async (url, body, headers) => {
    const started = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const name = (error as { name?: string }).name;
      const message =
        name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
      return { error: message, durationMs: Math.round(performance.now() - started) };
    }
  };
}
