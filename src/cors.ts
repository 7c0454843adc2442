/** CORS headers for browser frontends calling the API from another origin. */

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

/** The preflight-only headers of the answer to an `OPTIONS` request (the origin's come from `corsHeaders`). */
export function preflightHeaders(allowedMethods: readonly string[]): Record<string, string> {
  return {
    'Access-Control-Allow-Methods': allowedMethods.join(','),
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}
