/**
 * The local server's API-key check, as API Gateway does it for a method that requires a key: an operation whose
 * security (in the spec) names an `apiKey` scheme is answered only when the scheme's header (`x-api-key`) holds one
 * of the configured keys; otherwise `403 {"message": "Forbidden"}` before the operation's input is read, so nothing
 * is read or written. Requests outside any secured operation (a CORS preflight, an unknown path, an unsupported
 * method) pass on, as API Gateway routes them without a key. On AWS the gateway does this; the Lambda never checks
 * keys. It is a guard of the request handler, so its 403 leaves through the same finishing step as every answer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Contract } from '../contract.js';
import { ForbiddenError } from '../errors.js';
import type { RequestGuard } from '../request-handler.js';

export interface ApiKeyGateOptions {
  /** Keys accepted (`API_KEYS`); at least one. */
  readonly apiKeys: readonly string[];
  readonly contract: Contract;
}

/** A guard that lets through only requests carrying a configured key where the spec requires one. */
export function apiKeyGate({ apiKeys, contract }: ApiKeyGateOptions): RequestGuard {
  if (apiKeys.length === 0) throw new Error('apiKeyGate needs at least one API key');
  const isKnown = keyMatcher(apiKeys);
  return (operation, headers) => {
    const header = contract.apiKeyHeader(operation);
    if (header === undefined) return;
    const key = headers[header];
    if (key === undefined) throw new ForbiddenError('no API key');
    if (!isKnown(key)) throw new ForbiddenError('unknown API key');
  };
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
