/**
 * The client's retries: an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) answered 429 (throttled) or 503
 * (unavailable) is sent again after the answer's `Retry-After` plus a random part of a wait that doubles each time
 * (so that many clients told the same `Retry-After` do not all come back at once), a bounded number of times. A wait
 * longer than `maxDelayMs` is not made: the caller gets the answer. The API says a PUT is safe to retry (a 503's
 * write may or may not have been made; writing the id again changes nothing).
 */

export interface RetryInfo {
  /** The attempt that was answered 429 or 503 (1: the first). */
  readonly attempt: number;
  /** The wait before the next attempt, in milliseconds. */
  readonly delayMs: number;
  readonly status: number;
  readonly method: string;
  readonly url: string;
}

export interface RetryOptions {
  /** Attempts in all, the first included. @default 3 */
  readonly attempts?: number;
  /** The growing part of the wait starts at up to this and doubles each retry. @default 200 */
  readonly baseDelayMs?: number;
  /** The longest wait made; a `Retry-After` beyond it ends the retries. @default 10_000 */
  readonly maxDelayMs?: number;
  /** Called before each wait: for a log line or a metric. */
  readonly onRetry?: (retry: RetryInfo) => void;
}

const RETRIED_STATUSES = new Set([429, 503]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** `send`, retrying as described above. */
export function retryingFetch(
  send: (request: Request) => Promise<Response>,
  { attempts = 3, baseDelayMs = 200, maxDelayMs = 10_000, onRetry }: RetryOptions = {},
): (request: Request) => Promise<Response> {
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`retry.attempts must be 1 or more, not ${attempts}`);
  return async (request) => {
    const retries = IDEMPOTENT_METHODS.has(request.method.toUpperCase()) ? attempts - 1 : 0;
    for (let attempt = 1; ; attempt++) {
      // a body can be read once: each attempt but the last sends a copy
      const response = await send(attempt <= retries ? request.clone() : request);
      if (attempt > retries || !RETRIED_STATUSES.has(response.status)) return response;
      const delayMs = waitFor(response.headers.get('retry-after'), attempt, baseDelayMs);
      if (delayMs > maxDelayMs || request.signal?.aborted) return response;
      // the answer is dropped (not awaited: a mocked body's cancel may never settle)
      response.body?.cancel().catch(() => {});
      onRetry?.({ attempt, delayMs, status: response.status, method: request.method, url: request.url });
      await sleep(delayMs, request.signal);
    }
  };
}

/** `Retry-After` (seconds or an HTTP date; none: 0) plus up to `baseDelayMs × 2^(attempt-1)`, at random. */
export function waitFor(retryAfter: string | null, attempt: number, baseDelayMs: number): number {
  return retryAfterMs(retryAfter) + Math.round(Math.random() * baseDelayMs * 2 ** (attempt - 1));
}

function retryAfterMs(value: string | null): number {
  if (value === null) return 0;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
