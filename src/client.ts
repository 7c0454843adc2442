/**
 * A typed client for the customers API, for TypeScript frontends and tests: `openapi-fetch` over the `paths`
 * generated from openapi/openapi.yaml, so a path, method, query or body the spec does not have is a compile error.
 * The same client talks to the Prism mock, the local server and a deployed stage; only the base URL changes.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './generated/openapi-types.js';

export type CustomersClient = Client<paths>;
export type CustomerLookup = components['schemas']['CustomerLookup'];
export type CustomerWritten = components['schemas']['CustomerWritten'];
export type CustomerInput = components['schemas']['CustomerInput'];
export type ApiError = components['schemas']['Error'];

/** Common base URLs: the local server (`npm start`) and the Prism mock (`npm run mock`). */
export const LOCAL_SERVER_URL = 'http://localhost:3000';
export const MOCK_SERVER_URL = 'http://localhost:4010';

/**
 * A client for the API at `baseUrl`, e.g. `createCustomersClient(MOCK_SERVER_URL)`. Other options (headers,
 * a custom fetch, middleware-free settings) pass through to openapi-fetch.
 */
export function createCustomersClient(baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> = {}): CustomersClient {
  return createClient<paths>({ ...options, baseUrl });
}
