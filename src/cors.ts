/** CORS headers for browser frontends calling the API from another origin. */

/** Request headers a browser may send; API Gateway's usual set. */
const ALLOWED_HEADERS = 'Content-Type,Authorization,X-Api-Key,X-Amz-Date,X-Amz-Security-Token';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** Headers for any response to a request from `origin`; none when the origin is not allowed. */
export function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[]): Record<string, string> {
  if (allowedOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  if (origin && allowedOrigins.includes(origin)) return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  return allowedOrigins.length > 1 ? { Vary: 'Origin' } : {};
}

/** Headers for the answer to a preflight `OPTIONS` request. */
export function preflightHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
  allowedMethods: readonly string[],
): Record<string, string> {
  return {
    ...corsHeaders(origin, allowedOrigins),
    'Access-Control-Allow-Methods': allowedMethods.join(','),
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}
