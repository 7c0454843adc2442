/**
 * CORS headers for browser frontends calling the API from another origin: the Lambda's and the local server's (through
 * the finishing step), and the gateway's own answers (infra/exposed-headers.ts uses `headersToExpose` from here).
 */

/** Request headers a browser may send; API Gateway's usual set. */
const ALLOWED_HEADERS = 'Content-Type,Authorization,X-Api-Key,X-Amz-Date,X-Amz-Security-Token';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Headers for any answer to a request from `origin` (undefined: the request named none). With `*` every origin may
 * read it. With a list, the answer depends on the request's Origin, whether or not that origin is listed (or sent),
 * so it always says `Vary: Origin`, and names the origin only when it is listed.
 */
export function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[]): Record<string, string> {
  if (allowedOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  const listed = allowedOrigins.find((allowed) => allowed === origin);
  return listed === undefined ? { Vary: 'Origin' } : { 'Access-Control-Allow-Origin': listed, Vary: 'Origin' };
}

/**
 * The one `Access-Control-Allow-Origin` of the answers API Gateway (and AWS WAF) make themselves, which are imported
 * as static values and cannot echo the request's `Origin`: the one allowed origin, or `*` when several are
 * (infra/imported-definition.ts imports it; the local gateway layer answers with it).
 */
export function fixedCorsOrigin(allowedOrigins: readonly string[]): string {
  return allowedOrigins.length === 1 ? (allowedOrigins[0] as string) : '*';
}

/** The preflight-only headers of the answer to an `OPTIONS` request (the origin's come from `corsHeaders`). */
export function preflightHeaders(allowedMethods: readonly string[]): Record<string, string> {
  return {
    'Access-Control-Allow-Methods': allowedMethods.join(','),
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}

/** Response headers every browser exposes without being told (Fetch standard, "CORS-safelisted response-header name"). */
const SAFELISTED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/**
 * The value of `Access-Control-Expose-Headers` for an answer carrying `headers`: those a browser would otherwise hide
 * from a cross-origin script (a 503's or 429's `Retry-After`, a 401's `WWW-Authenticate`, a 405's `Allow`), in the
 * order given; CORS headers themselves are for the browser, not the script. Undefined when none needs it.
 */
export function headersToExpose(headers: readonly string[]): string | undefined {
  const hidden = headers.filter((name) => {
    const lower = name.toLowerCase();
    return !SAFELISTED_RESPONSE_HEADERS.has(lower) && !lower.startsWith('access-control-');
  });
  return hidden.length > 0 ? [...new Set(hidden)].join(', ') : undefined;
}
