/**
 * The request that produces each response example of openapi/openapi.yaml: every example is an answer the API gives.
 * Typed from the generated examples (src/generated/response-examples.ts), so an example added to the spec without its
 * request here does not compile, and test/unit/spec-examples-pair.test.ts names it at run time too;
 * test/integration/spec-examples-answered.test.ts sends each request to the local server and to the MSW handlers and
 * compares status and body exactly.
 */
import type { CustomersExampleName, CustomersExampleStatus, CustomersOperation } from '../../src/client/client-msw.js';

/**
 * What must hold besides the request, for answers that depend on more than it: the store unreachable (503) or broken
 * (500, e.g. its table missing), the stage throttling (429), the API deployed with AWS IAM auth and the request
 * unsigned (401). Each target says which it can bring about.
 */
export type ExampleCondition = 'storeUnavailable' | 'storeBroken' | 'throttled' | 'unsigned';

export interface ExampleRequest {
  readonly method: 'GET' | 'PUT';
  /** Path and query, under the API's base URL. */
  readonly path: string;
  readonly body?: string | Uint8Array;
  /** @default application/json when there is a body */
  readonly contentType?: string;
  /** Send no API key. @default false: the target's key is sent */
  readonly noKey?: boolean;
  /** Ids stored before the request is sent (the others of the examples are not). @default none */
  readonly stored?: readonly string[];
  readonly condition?: ExampleCondition;
}

export type ExampleRequests = {
  readonly [Op in CustomersOperation]: {
    readonly [Status in CustomersExampleStatus<Op>]: {
      readonly [Name in CustomersExampleName<Op, Status>]: ExampleRequest;
    };
  };
};

const FOUND = 'cust-4f9a2c';
const UNICODE = 'müller-αβγ-😀';
const get = (query: string, extra: Partial<ExampleRequest> = {}): ExampleRequest => ({
  method: 'GET',
  path: `/customers${query}`,
  ...extra,
});
const put = (body: string | Uint8Array, extra: Partial<ExampleRequest> = {}): ExampleRequest => ({
  method: 'PUT',
  path: '/customers',
  body,
  ...extra,
});

export const EXAMPLE_REQUESTS: ExampleRequests = {
  getCustomer: {
    200: {
      found: get(`?id=${FOUND}`, { stored: [FOUND] }),
      notFound: get('?id=cust-000000'),
      unicode: get(`?id=${encodeURIComponent(UNICODE)}`, { stored: [UNICODE] }),
    },
    400: {
      missing: get(''),
      empty: get('?id='),
      whitespace: get('?id=a%20b'),
      tooLong: get(`?id=${'x'.repeat(513)}`),
      notUtf8: get('?id=%FF'),
    },
    401: { example: get(`?id=${FOUND}`, { condition: 'unsigned' }) },
    403: { example: get(`?id=${FOUND}`, { noKey: true }) },
    // the size limit is the transport's, before routing: a GET's body counts too
    413: { example: get(`?id=${FOUND}`, { body: 'x'.repeat(16 * 1024 + 1) }) },
    429: { example: get(`?id=${FOUND}`, { condition: 'throttled' }) },
    500: { example: get(`?id=${FOUND}`, { condition: 'storeBroken' }) },
    503: { example: get(`?id=${FOUND}`, { condition: 'storeUnavailable' }) },
  },
  putCustomer: {
    200: {
      created: put(JSON.stringify({ id: FOUND })),
      existing: put(JSON.stringify({ id: FOUND }), { stored: [FOUND] }),
      unicode: put(JSON.stringify({ id: UNICODE })),
    },
    400: {
      missingId: put('{"name":"Ada"}'),
      noBody: put(''),
      malformed: put('{"id":'),
      notAnObject: put('[]'),
      notAString: put('{"id":5}'),
      whitespace: put('{"id":"a b"}'),
      tooLong: put(JSON.stringify({ id: 'x'.repeat(513) })),
      notUtf8: put(new Uint8Array([...Buffer.from('{"id":"'), 0xff, ...Buffer.from('"}')])),
      duplicateKey: put('{"id":"a","id":"b"}'),
      byteOrderMark: put('\ufeff{"id":"a"}'),
      unpairedSurrogate: put('{"id":"\\ud800"}'),
    },
    401: { example: put(JSON.stringify({ id: FOUND }), { condition: 'unsigned' }) },
    403: { example: put(JSON.stringify({ id: FOUND }), { noKey: true }) },
    413: { example: put(JSON.stringify({ id: FOUND, padding: 'x'.repeat(16 * 1024) })) },
    415: { example: put(JSON.stringify({ id: FOUND }), { contentType: 'text/plain' }) },
    429: { example: put(JSON.stringify({ id: FOUND }), { condition: 'throttled' }) },
    500: { example: put(JSON.stringify({ id: FOUND }), { condition: 'storeBroken' }) },
    503: { example: put(JSON.stringify({ id: FOUND }), { condition: 'storeUnavailable' }) },
  },
};

/** Every example of the spec with its request: `[operationId, status, name, request]`. */
export function examplePairs(): [CustomersOperation, number, string, ExampleRequest | undefined][] {
  return Object.entries(EXAMPLE_REQUESTS).flatMap(([operationId, byStatus]) =>
    Object.entries(byStatus as Record<string, Record<string, ExampleRequest>>).flatMap(([status, byName]) =>
      Object.entries(byName).map(
        ([name, request]) => [operationId as CustomersOperation, Number(status), name, request] as const,
      ),
    ),
  ) as [CustomersOperation, number, string, ExampleRequest][];
}

/** The ids the examples store, cleared before each pair is sent. */
export const EXAMPLE_IDS = [FOUND, UNICODE, 'cust-000000', 'a', 'b'];
