/** Small HTTP helpers over fetch, checking every response against the spec. */
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { type ApiResponse, expectConformsToSpec } from './contract-assertions.js';

/** The key a local test server accepts by default (`API_KEYS` unset); `putJson` and `getCustomer` send it. */
export const LOCAL_KEY_HEADERS: Readonly<Record<string, string>> = { 'x-api-key': DEFAULT_LOCAL_API_KEY };

export interface CallOptions {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Where the API is served, when not at the root of the URL's origin (a stage URL: `https://…/prod`). */
  readonly baseUrl?: string;
  /** The target's allowed origins, when known: the contract check then also expects `Vary` as they require. */
  readonly corsAllowedOrigins?: readonly string[];
}

/** Calls the API and checks the response against the spec. */
export async function call<Body = Record<string, unknown>>(
  url: string,
  options: CallOptions = {},
): Promise<ApiResponse<Body>> {
  const method = options.method ?? 'GET';
  const response = await fetch(url, {
    method,
    headers: options.headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  const body = (text === '' ? undefined : JSON.parse(text)) as Body;
  return expectConformsToSpec(
    method,
    url,
    { status: response.status, headers: response.headers, body },
    options.baseUrl,
    {
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.corsAllowedOrigins ? { corsAllowedOrigins: options.corsAllowedOrigins } : {}),
    },
  );
}

export function putJson(baseUrl: string, body: unknown): Promise<ApiResponse<Record<string, unknown>>> {
  return call(`${baseUrl}/customers`, {
    method: 'PUT',
    headers: { ...LOCAL_KEY_HEADERS, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function getCustomer(baseUrl: string, id: string): Promise<ApiResponse<Record<string, unknown>>> {
  return call(`${baseUrl}/customers?id=${encodeURIComponent(id)}`, { headers: { ...LOCAL_KEY_HEADERS } });
}
