/**
 * The local server's API-key check, as API Gateway does it for a method that requires a key: an operation whose
 * security (in the spec) names the `apiKey` scheme is answered only when `x-api-key` holds one of the configured
 * keys; otherwise `403 {"message": "Forbidden"}` before the request handler runs, so nothing is read or written.
 * Requests outside any secured operation (a CORS preflight, an unknown path, an unsupported method) pass on, as
 * API Gateway routes them without a key. On AWS the gateway does this; the Lambda never checks keys.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Contract } from '../contract.js';
import { corsHeaders } from '../cors.js';
import { ForbiddenError } from '../errors.js';
import { toErrorResponse } from '../http-response.js';
import type { Logger } from '../logger.js';
import { lowerCaseHeaders, type ProxyHandler } from '../request-handler.js';

/** The security scheme (openapi/openapi.yaml) the gate enforces, and the header it reads. */
export const API_KEY_SCHEME = 'apiKey';
export const API_KEY_HEADER = 'x-api-key';

export interface ApiKeyGateOptions {
  /** Keys accepted (`API_KEYS`); at least one. */
  readonly apiKeys: readonly string[];
  readonly contract: Contract;
  /** Origins for Access-Control-Allow-Origin on the 403, as API Gateway's gateway responses carry it. */
  readonly corsAllowedOrigins: readonly string[];
  readonly logger: Logger;
}

/** `handler`, answering only requests that carry a configured key where the spec requires one. */
export function withApiKeyGate(handler: ProxyHandler, options: ApiKeyGateOptions): ProxyHandler {
  if (options.apiKeys.length === 0) throw new Error('withApiKeyGate needs at least one API key');
  const isKnown = keyMatcher(options.apiKeys);
  const { contract, logger } = options;
  return async (event) => {
    if (!requiresApiKey(contract, event.httpMethod, event.path)) return handler(event);
    const headers = lowerCaseHeaders(event.headers);
    const key = headers[API_KEY_HEADER];
    if (key !== undefined && isKnown(key)) return handler(event);
    const result = toErrorResponse(new ForbiddenError());
    result.headers = { ...result.headers, ...corsHeaders(headers.origin, options.corsAllowedOrigins) };
    // As the handler's own request line, without the key (or any header).
    logger.info('request', {
      requestId: event.requestContext?.requestId,
      method: event.httpMethod,
      path: event.path,
      status: result.statusCode,
      refused: key === undefined ? 'no API key' : 'unknown API key',
    });
    return result;
  };
}

/** Whether the operation at this method and path requires the `apiKey` scheme (any of its requirements names it). */
export function requiresApiKey(contract: Contract, method: string, path: string): boolean {
  const security = contract.match(method, path)?.security;
  return security?.some((requirement) => API_KEY_SCHEME in requirement) ?? false;
}

/**
 * Compares digests of equal length in constant time, so the time an answer takes does not tell how much of a
 * guessed key was right.
 */
function keyMatcher(keys: readonly string[]): (candidate: string) => boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const known = keys.map(digest);
  return (candidate) => {
    const candidateDigest = digest(candidate);
    let found = false;
    for (const key of known) found = timingSafeEqual(key, candidateDigest) || found;
    return found;
  };
}
