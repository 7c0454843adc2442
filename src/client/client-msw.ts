/**
 * MSW handlers that answer as the API does, for a frontend's own unit tests, Storybook or a browser without a
 * backend (`@customers-api/client/msw`). Not a second description of the API: each request goes through what the
 * local server runs, the gateway layer (routing, the key, the parameters, from the definition API Gateway imports)
 * then the API's own request handler (src/api/request-handler.ts) with the contract's precompiled validators, the API's
 * errors and its finishing step (CORS, headers), over ids kept in memory. A PUT is there for the next GET of the same
 * mock; `reset()` forgets; `fail()` makes the next answers the API's 503, or the gateway's 429 or 403.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { Contract } from '../api/contract.js';
import { StoreUnavailableError, TooManyRequestsError } from '../api/errors.js';
import { createResponseFinisher, type FinishResponse, type RequestSummary } from '../api/finish-response.js';
import type { Logger } from '../api/log-fields.js';
import { MemoryCustomerStore, withFaults } from '../api/memory-customer-store.js';
import { createOperations } from '../api/operations.js';
import { createRequestHandler, type ProxyHandler } from '../api/request-handler.js';
import { gatewayDefinition } from '../generated/gateway-definition.js';
import { type ApiGateway, createApiGateway } from '../local/gateway/api-gateway.js';
import { type GatewayErrorContext, renderGatewayResponse } from '../local/gateway/gateway-responses.js';
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';

/** The answers `fail()` can make: the API's 503, and API Gateway's 429 (throttled) and 403 (key refused). */
export type CustomersMockFault = 403 | 429 | 503;

export interface CustomersMockOptions {
  /** Where the client calls, as given to `createCustomersClient`, e.g. `https://api.example.test/prod`. */
  readonly baseUrl: string;
  /** Keys accepted in `x-api-key`. @default any key: only a missing one is refused (403), as by the example mock */
  readonly apiKeys?: readonly string[];
  /** Origins a browser may call from (the API's `CORS_ALLOWED_ORIGINS`). @default ['*'] */
  readonly corsAllowedOrigins?: readonly string[];
  /** Ids there from the start, and again after `reset()`. @default none */
  readonly ids?: Iterable<string>;
}

export interface CustomersMockFailure {
  /** How many answers in a row. @default 1 */
  readonly times?: number;
  /** A 429's `Retry-After`, in seconds. @default 1 (API Gateway's); the API's 503 always says 1 */
  readonly retryAfterSeconds?: number;
}

export interface CustomersMock {
  /** Give these to MSW: `setupServer(...mock.handlers)` or `setupWorker(...mock.handlers)`. */
  readonly handlers: readonly HttpHandler[];
  /** Whether the id is stored (written by a PUT, or given in `ids`). */
  has(id: string): boolean;
  /** Forgets every id written and any failure still to come; the ids of `options.ids` are there again. */
  reset(): void;
  /** Answers the next requests to an operation with `status` (503 only to a request the API would have run). */
  fail(status: CustomersMockFault, options?: CustomersMockFailure): void;
  /** Requests answered so far (each attempt of a retrying client counts). */
  readonly requestCount: number;
}

/** The mock's own: nothing is logged (a frontend's test output is its own). */
const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The API's handlers on `options.baseUrl`, with a store and failures of their own. */
export function createCustomersMock(options: CustomersMockOptions): CustomersMock {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const initial = [...(options.ids ?? [])];
  const memory = new MemoryCustomerStore(initial);
  const ids = memory.ids;
  let failure: { status: CustomersMockFault; left: number; retryAfterSeconds: number } | undefined;
  let requestCount = 0;

  /** Takes one answer of the failure set for `status`, if one is left. */
  const take = (statuses: readonly CustomersMockFault[]) => {
    if (!failure || failure.left <= 0 || !statuses.includes(failure.status)) return undefined;
    failure.left -= 1;
    return failure;
  };

  const store = withFaults(memory, () =>
    take([503]) ? new StoreUnavailableError({ cause: 'CustomersMock.fail(503)' }) : undefined,
  );

  const finish = createResponseFinisher({
    config: { corsAllowedOrigins: options.corsAllowedOrigins ?? ['*'] },
    logger: SILENT,
  });
  const api: Api = {
    // Without `apiKeys` the gateway knows none, and is asked only about a request without a key (to refuse it).
    gateway: createApiGateway({ definition: gatewayDefinition, apiKeys: options.apiKeys ?? [] }),
    anyKey: options.apiKeys === undefined,
    handler: createRequestHandler({ contract: new Contract(), operations: createOperations(store), finish }),
    finish,
    // What API Gateway decides after the key: its throttle, or a key refused after all.
    throttle: (context) => {
      const refusal = take([403, 429]);
      if (refusal?.status === 429) throw new TooManyRequestsError(refusal.retryAfterSeconds);
      // the gateway's own refusal of a key, rendered from its definition as the gateway layer renders it
      if (refusal?.status === 403) {
        throw renderGatewayResponse(gatewayDefinition, 'INVALID_API_KEY', context, 'CustomersMock.fail(403)', {
          omitHeaders: ['Access-Control-Allow-Origin'],
        });
      }
    },
  };

  const underBase = new RegExp(`^${escapeRegExp(`${base.origin}${basePath}`)}(?:[/?#]|$)`);
  const handlers = [
    http.all(underBase, async ({ request }) => {
      requestCount += 1;
      return answer(api, request, basePath, `msw-${requestCount}`);
    }),
  ];

  return {
    handlers,
    has: (id) => ids.has(id),
    reset() {
      ids.clear();
      for (const id of initial) ids.add(id);
      failure = undefined;
      requestCount = 0;
    },
    fail(status, { times = 1, retryAfterSeconds = 1 } = {}) {
      failure = { status, left: times, retryAfterSeconds };
    },
    get requestCount() {
      return requestCount;
    },
  };
}

/** What answers a request: the gateway layer, then the API's handler; every refusal leaves through `finish`. */
interface Api {
  readonly gateway: ApiGateway;
  /** Whether any key is let in (the gateway then checks only that one is sent). */
  readonly anyKey: boolean;
  readonly handler: ProxyHandler;
  readonly finish: FinishResponse;
  readonly throttle: (context: GatewayErrorContext) => void;
}

/**
 * A fetch Request answered as the local server answers it: the gateway's routing and key check, the proxy event API
 * Gateway would send, the gateway's parameter check, then the API's handler; as a fetch Response.
 */
async function answer(api: Api, request: Request, basePath: string, requestId: string): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.slice(basePath.length) || '/';
  const headers: Record<string, string> = Object.create(null);
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const summary: RequestSummary = {
    method: request.method,
    path,
    origin: headers.origin,
    requestId,
    started: performance.now(),
  };
  try {
    const arrived = { method: request.method, path, headers, requestId };
    const route = api.gateway.route(arrived);
    if (route.operation.operationId !== undefined) summary.operationId = route.operation.operationId;
    if (!api.anyKey || headers[API_KEY_HEADER] === undefined) api.gateway.authorize(route, arrived);
    api.throttle({ requestId, headers });
    const event = await toProxyEvent(request, url, path, headers, requestId);
    api.gateway.validate(route, event);
    return toResponse(await api.handler(event));
  } catch (error) {
    return toResponse(api.finish(summary, { error }));
  }
}

async function toProxyEvent(
  request: Request,
  url: URL,
  path: string,
  headers: Record<string, string>,
  requestId: string,
): Promise<APIGatewayProxyEvent> {
  // no prototype: a query name `__proto__` is a name like any other
  const multi: Record<string, string[]> = Object.create(null);
  for (const [name, value] of url.searchParams) multi[name] = [...(multi[name] ?? []), value];
  const single = Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values.at(-1) as string]));
  const bytes = new Uint8Array(await request.arrayBuffer());
  const hasQuery = Object.keys(multi).length > 0;
  return {
    resource: path,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: null,
    stageVariables: null,
    // The handler reads only the request id from here; the rest is API Gateway's shape, left empty. (Not a random
    // UUID: crypto.randomUUID exists only on secure origins, and a page under test may be on plain http.)
    requestContext: { requestId } as never,
    // As the local server sends every body: as bytes, which the handler decodes strictly as UTF-8.
    body: bytes.length === 0 ? null : Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

function toResponse(result: APIGatewayProxyResult): Response {
  return new HttpResponse(result.body === '' ? null : result.body, {
    status: result.statusCode,
    headers: result.headers as Record<string, string>,
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
