/**
 * `Access-Control-Expose-Headers` for the answers the edge makes itself (API Gateway's gateway responses, the WAF's
 * custom responses). A cross-origin script reads only the CORS-safelisted response headers unless the answer names
 * the others: without it a browser client cannot see a 429's `Retry-After` or a 401's `WWW-Authenticate`.
 */

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
 * The value of `Access-Control-Expose-Headers` for an answer carrying `headers`: those a browser would otherwise hide,
 * in the order given (CORS headers themselves are for the browser, not the script). Undefined when none needs it.
 */
export function headersToExpose(headers: readonly string[]): string | undefined {
  const hidden = headers.filter((name) => {
    const lower = name.toLowerCase();
    return !SAFELISTED_RESPONSE_HEADERS.has(lower) && !lower.startsWith('access-control-');
  });
  return hidden.length > 0 ? [...new Set(hidden)].join(', ') : undefined;
}
