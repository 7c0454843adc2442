/**
 * A typed client for the customers API, for TypeScript frontends and tests: `openapi-fetch` over the `paths`
 * generated from openapi/openapi.yaml, so a path, method, query or body the spec does not have is a compile error.
 * The same client talks to the Prism mock, the local server and a deployed stage; only the base URL and the key
 * change. An idempotent call answered 429 or 503 is tried again after the answer's `Retry-After` (retry.ts).
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from '../generated/openapi-types.js';
import { API_KEY_HEADER as KEY_HEADER } from '../shared/api-key-scheme.js';
import type { AnswerCheck } from './answer-check.js';
import { type RetryOptions, retryingFetch } from './retry.js';

export { type AnswerCheck, answerCheck, type ContractBreak } from './answer-check.js';
export type { RetryInfo, RetryOptions } from './retry.js';
export { checkCustomerId, type ErrorDetail } from './validators.js';

export type CustomersClient = Client<paths>;
export type CustomerLookup = components['schemas']['CustomerLookup'];
export type CustomerWritten = components['schemas']['CustomerWritten'];
export type CustomerInput = components['schemas']['CustomerInput'];
export type ApiError = components['schemas']['Error'];

/** Common base URLs: the local server (`npm start`) and the Prism mock (`npm run mock`). */
export const LOCAL_SERVER_URL = 'http://localhost:3000';
export const MOCK_SERVER_URL = 'http://localhost:4010';

/** The header the spec's `apiKey` security scheme names (src/shared/api-key-scheme.ts: bundled into the package). */
export const API_KEY_HEADER = KEY_HEADER;

export interface CustomersClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /**
   * The API key, sent in `x-api-key` with every request. Required by the spec; leave it out only for an API
   * deployed without auth (`-c auth=none`) or when `fetch` signs requests itself (`-c auth=iam`).
   */
  readonly apiKey?: string;
  /**
   * Tries a GET or PUT again when it is answered 429 or 503, after the answer's `Retry-After` plus a jittered,
   * growing wait; `false` never retries. @default 3 attempts in all, waits of at most 10 s
   */
  readonly retry?: RetryOptions | false;
  /**
   * Holds every answer to the spec and reports what breaks it (`answerCheck(onBreak)`), for development and staging.
   * @default none: answers are not checked
   */
  readonly checkAnswers?: AnswerCheck;
}

/**
 * A client for the API at `baseUrl` that sends `apiKey` with every request, e.g.
 * `createCustomersClient(LOCAL_SERVER_URL, { apiKey })`. Other options (headers, a custom fetch) pass through to
 * openapi-fetch.
 */
export function createCustomersClient(baseUrl: string, options: CustomersClientOptions = {}): CustomersClient {
  const { apiKey, retry, fetch, checkAnswers, ...rest } = options;
  // The fetch is looked up on each call, not once: a test's MSW server may patch it after the client is made.
  const send = fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    ...rest,
    baseUrl,
    fetch: retry === false ? send : retryingFetch(send, retry),
  });
  if (apiKey !== undefined) {
    if (apiKey.trim() === '') throw new Error('apiKey must not be empty: pass the key, or leave the option out');
    // A middleware, so the key is set on every request whatever form the other headers take.
    client.use({
      onRequest({ request }) {
        request.headers.set(API_KEY_HEADER, apiKey);
        return request;
      },
    });
  }
  if (checkAnswers) client.use(checkAnswers.middleware);
  return client;
}
