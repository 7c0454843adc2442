/**
 * `Access-Control-Expose-Headers` for the answers the edge makes itself (API Gateway's gateway responses, the WAF's
 * custom responses). A cross-origin script reads only the CORS-safelisted response headers unless the answer names
 * the others: without it a browser client cannot see a 429's `Retry-After` or a 401's `WWW-Authenticate`. One rule
 * for the edge and the API alike: it lives in src/api/cors.ts, where the Lambda's and the local server's answers get it.
 */
export { headersToExpose } from '../src/api/cors.js';
