/**
 * What a start-up banner says about API keys (`npm start`, `npm run mock:stateful`): the default key is public and
 * printed; keys set in API_KEYS are the owner's secrets and never printed.
 */
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';
import { DEFAULT_LOCAL_API_KEY } from '../shared/config.js';

export interface ApiKeyHint {
  /** One line naming the key, or saying how many keys API_KEYS holds. */
  readonly line: string;
  /** The `x-api-key` header for the banner's curl examples (the default key, or `$API_KEY`). */
  readonly header: string;
}

export function apiKeyHint(apiKeys: readonly string[]): ApiKeyHint {
  const usesDefaultKey = apiKeys.length === 1 && apiKeys[0] === DEFAULT_LOCAL_API_KEY;
  return {
    line: usesDefaultKey
      ? `API key ${DEFAULT_LOCAL_API_KEY} (the default; set API_KEYS to choose your own)`
      : `API keys from API_KEYS (${apiKeys.length}, not printed): export API_KEY=<one of them> for the examples`,
    header: `${API_KEY_HEADER}: ${usesDefaultKey ? DEFAULT_LOCAL_API_KEY : '\'"$API_KEY"\''}`,
  };
}

/** The banner's two curl examples against `url`: a PUT, then the GET that finds it. */
export function tryItLines(url: string, hint: ApiKeyHint): string[] {
  return [
    `  curl -X PUT ${url}/customers -H '${hint.header}' -H 'Content-Type: application/json' -d '{"id": "cust-4f9a2c"}'`,
    `  curl '${url}/customers?id=cust-4f9a2c' -H '${hint.header}'`,
  ];
}
