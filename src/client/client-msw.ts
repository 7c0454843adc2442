/**
 * MSW handlers that answer as the API does, for a frontend's own unit tests, Storybook or a browser without a
 * backend (`@customers-api/client/msw`). Not a second description of the API: each request goes through what the
 * local server runs, the gateway layer (routing, the key, the parameters, from the definition API Gateway imports)
 * then the API's own request handler (src/api/request-handler.ts) with the contract's precompiled validators, the API's
 * errors and its finishing step (CORS, headers), over ids kept in memory. A PUT is there for the next GET of the same
 * mock; `reset()` forgets; `fail()` makes the next answers the API's 503, or the gateway's 429 or 403; `next()` answers
 * the next calls of one operation with one of the spec's examples (src/generated/response-examples.ts), a delay or a
 * network error, typed from the spec.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { delay, type HttpHandler, HttpResponse, http } from 'msw';
import { Contract } from '../api/contract.js';
import { fixedCorsOrigin } from '../api/cors.js';
import { HttpError, StoreUnavailableError, TooManyRequestsError } from '../api/errors.js';
import { createResponseFinisher, type FinishResponse, type RequestSummary } from '../api/finish-response.js';
import { jsonResponse } from '../api/http-response.js';
import type { Logger } from '../api/log-fields.js';
import { MemoryCustomerStore, withFaults } from '../api/memory-customer-store.js';
import { createOperations } from '../api/operations.js';
import { createRequestHandler, type ProxyHandler } from '../api/request-handler.js';
import { gatewayDefinition } from '../generated/gateway-definition.js';
import { responseExamples } from '../generated/response-examples.js';
import { type ApiGateway, createApiGateway } from '../local/gateway/api-gateway.js';
import { type GatewayErrorContext, renderGatewayResponse } from '../local/gateway/gateway-responses.js';
import { queryEntries } from '../local/query-string.js';
import { API_KEY_HEADER } from '../shared/api-key-scheme.js';

/**
 * The answers `fail()` can make: the API's 503 (the store unavailable) and 500 (a fault only an operator can fix), and
 * API Gateway's 429 (throttled) and 403 (key refused).
 */
export type CustomersMockFault = 403 | 429 | 500 | 503;

/** The spec's operations, by operationId. */
export type CustomersOperation = keyof typeof responseExamples;
type Examples<Op extends CustomersOperation> = (typeof responseExamples)[Op];
/** The statuses the spec documents with a JSON example for an operation, e.g. `200 | 400 | … | 503`. */
export type CustomersExampleStatus<Op extends CustomersOperation> = {
  [K in keyof Examples<Op>]: K extends `${infer Status extends number}` ? Status : never;
}[keyof Examples<Op>];
/** The names of an operation's examples for a status, e.g. `'found' | 'notFound' | 'unicode'` for getCustomer's 200. */
export type CustomersExampleName<
  Op extends CustomersOperation,
  Status extends CustomersExampleStatus<Op>,
> = keyof Examples<Op>[`${Status}` & keyof Examples<Op>] & string;

/**
 * How `next()` answers an operation's next call: with one of the spec's examples (a status alone: its first), after
 * `delayMs`; only a delay, then the usual answer; or a network error (the client's `fetch` rejects). A status or an
 * example the spec does not document for the operation does not compile.
 */
export type CustomersOverride<Op extends CustomersOperation> = (
  | {
      [Status in CustomersExampleStatus<Op>]: { status: Status; example?: CustomersExampleName<Op, Status> };
    }[CustomersExampleStatus<Op>]
  | { status?: never; example: CustomersExampleName<Op, 200 & CustomersExampleStatus<Op>> }
  | { networkError: true }
  | { delayMs: number }
) & {
  /** Wait this long before answering. @default 0 */
  readonly delayMs?: number;
  /** How many calls in a row. @default 1 */
  readonly times?: number;
  /** The `Retry-After` of a 429 or 503, in seconds. @default 1 */
  readonly retryAfterSeconds?: number;
};

export interface CustomersMockOptions {
  /**
   * Where the client calls, as given to `createCustomersClient`: `https://api.example.test/prod`, or a path on the
   * page's own origin (`/api`) in a browser (matched on any origin).
   */
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
  /** The `Retry-After` of a 429 or a 503, in seconds. @default 1 (API Gateway's and the API's) */
  readonly retryAfterSeconds?: number;
}

export interface CustomersMock {
  /** Give these to MSW: `setupServer(...mock.handlers)` or `setupWorker(...mock.handlers)`. */
  readonly handlers: readonly HttpHandler[];
  /** Whether the id is stored (written by a PUT, or given in `ids`). */
  has(id: string): boolean;
  /** Forgets every id written and any failure still to come; the ids of `options.ids` are there again. */
  reset(): void;
  /** Answers the next requests with `status` (500 and 503 only to a request the API would have run). */
  fail(status: CustomersMockFault, options?: CustomersMockFailure): void;
  /**
   * Answers the next call of `operationId` (after routing; before the key and every other check) as `override`
   * says, e.g. `next('getCustomer', { example: 'notFound' })` or `next('putCustomer', { status: 503 })`.
   */
  next<Op extends CustomersOperation>(operationId: Op, override: CustomersOverride<Op>): void;
  /** Requests answered so far (each attempt of a retrying client counts). */
  readonly requestCount: number;
}

/** The mock's own: nothing is logged (a frontend's test output is its own). */
const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The API's handlers on `options.baseUrl`, with a store and failures of their own. */
export function createCustomersMock(options: CustomersMockOptions): CustomersMock {
  const relative = !/^[a-z][a-z0-9+.-]*:/i.test(options.baseUrl);
  const base = new URL(options.baseUrl, 'http://relative.invalid');
  const basePath = base.pathname.replace(/\/+$/, '');
  const initial = [...(options.ids ?? [])];
  const memory = new MemoryCustomerStore(initial);
  const ids = memory.ids;
  let failure: { status: CustomersMockFault; left: number; retryAfterSeconds: number } | undefined;
  let requestCount = 0;
  const overrides = new Map<string, Override[]>();

  /** Takes one answer of the failure set for `status`, if one is left. */
  const take = (statuses: readonly CustomersMockFault[]) => {
    if (!failure || failure.left <= 0 || !statuses.includes(failure.status)) return undefined;
    failure.left -= 1;
    return failure;
  };
  /** The override for this call of `operationId`, if one is queued. */
  const nextOverride = (operationId: string | undefined) => {
    const queue = operationId === undefined ? undefined : overrides.get(operationId);
    const first = queue?.[0];
    if (!queue || !first) return undefined;
    first.left -= 1;
    if (first.left <= 0) queue.shift();
    return first;
  };

  /** A store failure asked for: the API's 503, or an error it did not expect (its plain 500). */
  const store = withFaults(memory, () => {
    const fault = take([500, 503]);
    if (fault?.status === 503) return new StoreUnavailableError({ cause: 'CustomersMock.fail(503)' });
    if (fault) return new Error('CustomersMock.fail(500)');
    return undefined;
  });

  const finish = createResponseFinisher({
    config: { corsAllowedOrigins: options.corsAllowedOrigins ?? ['*'] },
    logger: SILENT,
  });
  const api: Api = {
    // Without `apiKeys` the gateway knows none, and is asked only about a request without a key (to refuse it).
    gateway: createApiGateway({
      definition: gatewayDefinition,
      apiKeys: options.apiKeys ?? [],
      corsAllowedOrigins: options.corsAllowedOrigins ?? ['*'],
    }),
    anyKey: options.apiKeys === undefined,
    handler: createRequestHandler({ contract: new Contract(), operations: createOperations(store), finish }),
    finish,
    // What API Gateway decides after the key: its throttle, or a key refused after all.
    retryAfterSeconds: () => failure?.retryAfterSeconds ?? 1,
    nextOverride,
    throttle: (context) => {
      const refusal = take([403, 429]);
      if (refusal?.status === 429) throw new TooManyRequestsError(refusal.retryAfterSeconds);
      // the gateway's own refusal of a key, rendered from its definition as the gateway layer renders it
      if (refusal?.status === 403) {
        throw renderGatewayResponse(gatewayDefinition, 'INVALID_API_KEY', context, 'CustomersMock.fail(403)', {
          headerValues: { 'Access-Control-Allow-Origin': fixedCorsOrigin(options.corsAllowedOrigins ?? ['*']) },
        });
      }
    },
  };

  // a relative base is the page's own origin, whatever it is
  const origin = relative ? '[a-z][a-z0-9+.-]*://[^/?#]+' : escapeRegExp(base.origin);
  const underBase = new RegExp(`^${origin}${escapeRegExp(basePath)}(?:[/?#]|$)`, 'i');
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
      overrides.clear();
      requestCount = 0;
    },
    fail(status, { times = 1, retryAfterSeconds = 1 } = {}) {
      failure = { status, left: times, retryAfterSeconds };
    },
    next(operationId, override) {
      const { times = 1 } = override;
      const asked = override as Omit<Override, 'answer' | 'left'> & { status?: number; example?: string };
      // the example is looked up now, so that one the spec lacks fails the test that asked for it, not the request
      const answer =
        asked.status === undefined && asked.example === undefined
          ? undefined
          : { status: asked.status ?? 200, body: exampleFor(operationId, asked.status, asked.example) };
      const queue = overrides.get(operationId) ?? [];
      queue.push({ ...asked, ...(answer ? { answer } : {}), left: times });
      overrides.set(operationId, queue);
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
  /** The `Retry-After` of the failure asked for (the API's 503 and the gateway's 429 both send it). */
  readonly retryAfterSeconds: () => number;
  readonly nextOverride: (operationId: string | undefined) => Override | undefined;
}

/** An override as queued: what `next()` was given, the example it answers with, and how many calls it has left. */
interface Override {
  readonly answer?: { readonly status: number; readonly body: unknown };
  readonly networkError?: boolean;
  readonly delayMs?: number;
  readonly retryAfterSeconds?: number;
  left: number;
}

/** An answer `next()` asked for: the spec's example, with the headers the API sends with its status. */
class ExampleAnswer extends HttpError {
  constructor(status: number, body: unknown, retryAfterSeconds: number) {
    const retry = status === 429 || status === 503 ? { 'Retry-After': String(retryAfterSeconds) } : undefined;
    super('ExampleAnswer', status, 'CustomersMock.next()', {
      renderedBody: JSON.stringify(body),
      serverFault: false,
      ...(retry ? { headers: retry } : {}),
    });
  }
}

/** The example `next()` names (a status alone: its first); throws for one the spec lacks (a caller without types). */
function exampleFor(operationId: string, status = 200, name?: string): unknown {
  const byStatus = (responseExamples as Record<string, Record<string, Record<string, unknown>>>)[operationId];
  const named = byStatus?.[String(status)];
  const chosen = named && (name === undefined ? Object.keys(named)[0] : name);
  if (!named || chosen === undefined || !Object.hasOwn(named, chosen)) {
    const which = name === undefined ? '' : ` ${name}`;
    throw new Error(`CustomersMock.next(): the spec has no ${status} example${which} for ${operationId}`);
  }
  return named[chosen];
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
    const override = api.nextOverride(route.operation.operationId);
    if (override) {
      if (override.delayMs) await delay(override.delayMs);
      if (override.networkError) return HttpResponse.error();
      const { answer: example } = override;
      if (example && example.status < 400) {
        return toResponse(api.finish(summary, { result: jsonResponse(example.status, example.body) }));
      }
      if (example) throw new ExampleAnswer(example.status, example.body, override.retryAfterSeconds ?? 1);
    }
    if (!api.anyKey || headers[API_KEY_HEADER] === undefined) api.gateway.authorize(route, arrived);
    api.throttle({ requestId, headers });
    const event = await toProxyEvent(request, url, path, headers, requestId);
    api.gateway.validate(route, event);
    return toResponse(withRetryAfter(await api.handler(event), api.retryAfterSeconds()));
  } catch (error) {
    return toResponse(api.finish(summary, { error }));
  }
}

/** The API's 503 says `Retry-After: 1`; a failure asked for with `retryAfterSeconds` says that instead. */
function withRetryAfter(result: APIGatewayProxyResult, seconds: number): APIGatewayProxyResult {
  if (result.statusCode !== 503 || result.headers?.['Retry-After'] === undefined) return result;
  return { ...result, headers: { ...result.headers, 'Retry-After': String(seconds) } };
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
  // read as the local server reads it: bytes that are not UTF-8 are the API's 400, not replaced with U+FFFD
  for (const [name, value] of queryEntries(url.search)) multi[name] = [...(multi[name] ?? []), value];
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
