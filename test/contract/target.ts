/**
 * Where the contract suite runs: the local server (default, started and stopped by the suite), the Prism mock
 * (`CONTRACT_TARGET=mock`, started and stopped by the suite), the client package's MSW handlers in this process
 * (`CONTRACT_TARGET=msw`, MSW's `setupServer` patching `fetch`), or any deployed stage (`API_URL=https://…/prod`),
 * and how its requests are authenticated there:
 * - local and msw: the server's own key (it accepts `API_KEYS`, or its default key; the handlers are given it);
 * - mock: any key (Prism checks only that one is there);
 * - deployed: `API_KEY=<key>` for a stage deployed with `-c auth=apiKey` (the default), `CONTRACT_AUTH=iam` to sign
 *   requests with SigV4 for `-c auth=iam` (the AWS SDK's default credentials), `CONTRACT_AUTH=none` for `-c auth=none`.
 *
 * `API_URL` is the API's base URL, wherever it is served: a stage (`https://…/prod`), a custom domain with a base path
 * (`https://api.example.com/customers-v1`) or without one. `CONTRACT_READ_ONLY=true` (for production) runs only the
 * cases that write nothing, and the target refuses to authenticate a write (below).
 */

import { openapiDocument } from '../../src/generated/openapi-document.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { HTTP_METHODS, SAFE_METHODS } from '../../src/shared/http-methods.js';
import { startTestServer } from '../helpers/local-server.js';
import { startPrismMock } from '../helpers/prism.js';

export type TargetKind = 'local' | 'mock' | 'msw' | 'deployed';
export type TargetAuth = 'apiKey' | 'iam' | 'none';

/** What the suite needs to sign or key a request. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface Target {
  readonly baseUrl: string;
  readonly auth: TargetAuth;
  /**
   * Headers that authenticate `request` at this target (the API key, or a SigV4 signature). In read-only mode it
   * throws for a method the spec documents as a write, so no case can write by mistake.
   */
  credentials(request: OutgoingRequest): Promise<Record<string, string>>;
  /** Every request `credentials` authenticated, in order: what a read-only run shows it sent. */
  readonly authenticated: readonly OutgoingRequest[];
  close(): Promise<void>;
}

/** Every id the suite writes starts with this (src/shared/customer-table.ts). */
export { CONTRACT_ID_PREFIX } from '../../src/shared/customer-table.js';

/** Methods (upper case) of a document's operations that are not safe (src/shared/http-methods.ts): its writes. */
export function writeMethods(document: { readonly paths: Readonly<Record<string, object>> }): ReadonlySet<string> {
  return new Set(
    Object.values(document.paths).flatMap((item) =>
      HTTP_METHODS.filter((method) => Object.hasOwn(item, method) && !SAFE_METHODS.has(method)).map((method) =>
        method.toUpperCase(),
      ),
    ),
  );
}

/** The spec's writes: what a read-only run never sends. */
export const WRITE_METHODS = writeMethods(openapiDocument as { paths: Record<string, object> });

/** `CONTRACT_READ_ONLY=true`: only the cases that write nothing (production). Known before the suite starts. */
export function contractReadOnly(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CONTRACT_READ_ONLY?.trim();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`CONTRACT_READ_ONLY must be true or false, got '${value}'`);
}

export class ReadOnlyViolation extends Error {
  override readonly name = 'ReadOnlyViolation';
}

/** The key the mock is sent: Prism accepts any non-empty value. */
export const MOCK_API_KEY = 'any-key-the-mock-accepts';

/** Known before the suite starts, so cases can be skipped by target at collection time. */
export function targetKind(env: NodeJS.ProcessEnv = process.env): TargetKind {
  if (env.API_URL?.trim()) return 'deployed';
  if (env.CONTRACT_TARGET === 'mock' || env.CONTRACT_TARGET === 'msw') return env.CONTRACT_TARGET;
  if (env.CONTRACT_TARGET && env.CONTRACT_TARGET !== 'local') {
    throw new Error(`CONTRACT_TARGET must be local, mock or msw (or set API_URL), got '${env.CONTRACT_TARGET}'`);
  }
  return 'local';
}

/** How the target authenticates callers; known before the suite starts, like the kind. */
export function targetAuth(env: NodeJS.ProcessEnv = process.env): TargetAuth {
  if (targetKind(env) !== 'deployed') return 'apiKey';
  const auth = env.CONTRACT_AUTH?.trim();
  if (!auth) return env.API_KEY?.trim() ? 'apiKey' : 'none';
  if (auth !== 'apiKey' && auth !== 'iam' && auth !== 'none') {
    throw new Error(`CONTRACT_AUTH must be apiKey, iam or none, got '${auth}'`);
  }
  if (auth === 'apiKey' && !env.API_KEY?.trim()) throw new Error('CONTRACT_AUTH=apiKey needs API_KEY=<key>');
  return auth;
}

/**
 * Whether the target is a real backend: it keeps state (PUT then GET), echoes the id, and says exactly what was
 * wrong. The mock answers every valid request with the spec's examples and every invalid one with the first
 * documented error example of its status; for what it cannot do, see test/mock.
 */
export function isRealBackend(kind: TargetKind): boolean {
  return kind !== 'mock';
}

const apiKeyHeaders = (key: string) => async () => ({ 'x-api-key': key });

type Credentials = Target['credentials'];

/** `credentials`, recording each request it authenticates and, read-only, refusing to authenticate a write. */
function guarded(credentials: Credentials, readOnly: boolean) {
  const authenticated: OutgoingRequest[] = [];
  const guard: Credentials = async (request) => {
    if (readOnly && WRITE_METHODS.has(request.method.toUpperCase())) {
      throw new ReadOnlyViolation(`CONTRACT_READ_ONLY: refusing to authenticate ${request.method} ${request.url}`);
    }
    authenticated.push(request);
    return credentials(request);
  };
  return { credentials: guard, authenticated };
}

export async function startTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const kind = targetKind(env);
  const readOnly = contractReadOnly(env);
  if (kind === 'deployed') {
    const baseUrl = (env.API_URL ?? '').trim().replace(/\/+$/, '');
    const auth = targetAuth(env);
    const credentials =
      auth === 'apiKey'
        ? apiKeyHeaders((env.API_KEY ?? '').trim())
        : auth === 'iam'
          ? await sigV4Credentials(baseUrl)
          : async () => ({});
    return { baseUrl, auth, ...guarded(credentials, readOnly), close: async () => {} };
  }
  if (kind === 'mock') {
    const mock = await startPrismMock();
    return {
      baseUrl: mock.url,
      auth: 'apiKey',
      ...guarded(apiKeyHeaders(MOCK_API_KEY), readOnly),
      close: () => mock.close(),
    };
  }
  if (kind === 'msw') {
    const handlers = await startMswHandlers();
    return {
      baseUrl: handlers.url,
      auth: 'apiKey',
      ...guarded(apiKeyHeaders(DEFAULT_LOCAL_API_KEY), readOnly),
      close: handlers.close,
    };
  }
  const server = await startTestServer();
  return {
    baseUrl: server.url,
    auth: 'apiKey',
    ...guarded(apiKeyHeaders(DEFAULT_LOCAL_API_KEY), readOnly),
    close: () => server.close(),
  };
}

/** Where the MSW target answers: no host resolves it, so a request MSW did not answer fails instead of leaving. */
export const MSW_TARGET_URL = 'http://customers-api.msw.invalid/prod';

/**
 * The client package's handlers (src/client/client-msw.ts) under MSW's Node server, in this process, keyed as the local
 * server is. Loaded only for this target: MSW patches `fetch` for the whole test file.
 */
async function startMswHandlers(): Promise<{ url: string; close: () => Promise<void> }> {
  const [{ setupServer }, { createCustomersMock }] = await Promise.all([
    import('msw/node'),
    import('../../src/client/client-msw.js'),
  ]);
  const mock = createCustomersMock({ baseUrl: MSW_TARGET_URL, apiKeys: [DEFAULT_LOCAL_API_KEY] });
  const server = setupServer(...mock.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  return { url: MSW_TARGET_URL, close: async () => server.close() };
}

/** Loaded only for a deployed IAM stage: the signer needs AWS credentials. */
async function sigV4Credentials(baseUrl: string): Promise<Target['credentials']> {
  const { sigV4Signer } = await import('./sigv4.js');
  return sigV4Signer(baseUrl);
}
