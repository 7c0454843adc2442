/**
 * The Lambda's contract against openapi-backend used the stock way, on generated requests. The same HTTP request goes
 * (a) as API Gateway's REST proxy event through our Contract (runtime document, the event read into openapi-backend's
 * Request by src/api/openapi-request.ts) and (b) as a raw request (query string, Node-style headers, body text) through
 * a stock `OpenAPIBackend`'s `validateRequest` on the whole spec. Operation matched, verdict and where the errors are
 * must agree. The spec here is richer than the API's: path templates, array query parameters (exploded and not),
 * a JSON query parameter, header and cookie parameters, bodies. The Contract is given the body as the request handler
 * parsed it, by the one rule the API applies (API Gateway's): a body without Content-Type is JSON; so the stock
 * backend is told `Content-Type: application/json` for such a body, and a body that is not JSON is refused by both.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { OpenAPIBackend, type Request } from 'openapi-backend';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { toRuntimeDocument } from '../../src/build/runtime-document.js';
import { proxyEvent } from '../helpers/proxy-events.js';

const schemaOf = (schema: object) => ({ 'application/json': { schema } });
const ok = { 200: { description: 'ok' } };

const definition = {
  openapi: '3.0.3',
  info: { title: 'pets', version: '1' },
  paths: {
    '/pets': {
      get: {
        operationId: 'listPets',
        parameters: [
          {
            name: 'tags',
            in: 'query',
            schema: { type: 'array', maxItems: 3, items: { type: 'string', minLength: 2 } },
          },
          {
            name: 'ids',
            in: 'query',
            style: 'form',
            explode: false,
            schema: { type: 'array', items: { type: 'integer', minimum: 1 } },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
          { name: 'sort', in: 'query', schema: { type: 'string', enum: ['name', 'age'] } },
          {
            name: 'filter',
            in: 'query',
            content: schemaOf({
              type: 'object',
              required: ['kind'],
              properties: { kind: { type: 'string', enum: ['cat', 'dog'] } },
            }),
          },
          { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } },
          { name: 'session', in: 'cookie', schema: { type: 'string', minLength: 3 } },
        ],
        responses: ok,
      },
      post: {
        operationId: 'addPet',
        parameters: [{ name: 'X-Request-Id', in: 'header', schema: { type: 'string', minLength: 4 } }],
        requestBody: {
          required: true,
          content: schemaOf({
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 8 },
              age: { type: 'integer', minimum: 0 },
              tags: { type: 'array', items: { type: 'string' } },
            },
          }),
        },
        responses: ok,
      },
    },
    '/owners': {
      get: {
        operationId: 'listOwners',
        parameters: [
          {
            name: 'tags',
            in: 'query',
            schema: { type: 'array', maxItems: 3, items: { type: 'string', minLength: 2 } },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
          { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } },
        ],
        responses: ok,
      },
    },
    '/pets/{petId}': {
      parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      get: {
        operationId: 'getPet',
        parameters: [
          { name: 'session', in: 'cookie', required: true, schema: { type: 'string', pattern: '^s[0-9]+$' } },
        ],
        responses: ok,
      },
      patch: {
        operationId: 'updatePet',
        requestBody: { content: schemaOf({ type: 'object', properties: { age: { type: 'integer' } } }) },
        responses: ok,
      },
    },
    '/owners/{ownerId}/pets/{petName}': {
      get: {
        operationId: 'getOwnersPet',
        parameters: [
          { name: 'ownerId', in: 'path', required: true, schema: { type: 'string', pattern: '^o[0-9]+$' } },
          { name: 'petName', in: 'path', required: true, schema: { type: 'string', maxLength: 5 } },
        ],
        responses: ok,
      },
    },
  },
};

/** An HTTP request as a client sends it: values not yet encoded. */
interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | undefined;
}

function grouped(pairs: readonly (readonly [string, string])[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const [name, value] of pairs) groups[name] = [...(groups[name] ?? []), value];
  return groups;
}

/** The request as API Gateway's REST API hands it to a proxy Lambda. */
function asProxyEvent({ method, path, query, headers, body }: HttpRequest): APIGatewayProxyEvent {
  const multiQuery = grouped(query);
  const multiHeaders = grouped(headers);
  const last = (map: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(map).map(([name, values]) => [name, values[values.length - 1] as string]));
  return proxyEvent({
    httpMethod: method,
    path,
    queryStringParameters: query.length > 0 ? last(multiQuery) : null,
    multiValueQueryStringParameters: query.length > 0 ? multiQuery : null,
    headers: last(multiHeaders),
    multiValueHeaders: multiHeaders,
    body: body ?? null,
  });
}

/** The request as openapi-backend's documentation has a server give it: query string, Node's header object. */
function asRawRequest({ method, path, query, headers, body }: HttpRequest): Request {
  const nodeHeaders: Record<string, string> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const previous = nodeHeaders[key];
    nodeHeaders[key] = previous === undefined ? value : `${previous}${key === 'cookie' ? '; ' : ', '}${value}`;
  }
  return {
    method,
    path,
    query: query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&'),
    headers: nodeHeaders,
    ...(body === undefined ? {} : { body }),
  };
}

// ---- generated requests -------------------------------------------------------------------------------------------

const word = fc.string({ unit: fc.constantFrom(...'abcxyzAB019-_.~'), minLength: 0, maxLength: 6 });
const text = fc.string({ unit: 'grapheme', maxLength: 6 });
const integerText = fc.oneof(fc.integer({ min: -3, max: 60 }).map(String), fc.constantFrom('1.5', 'x', '', ' 7'));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Header names as clients spell them. */
const spelled = (name: string) =>
  fc.constantFrom(name, name.toLowerCase(), name.toUpperCase()).map((spelling) => spelling);

const jsonText = fc.oneof(
  fc.constantFrom('{"kind":"cat"}', '{"kind":"cow"}', '{}', '[]', '"cat"', '{"kind":'),
  fc.jsonValue().map((value) => JSON.stringify(value)),
);

const cookieHeaders = (required: boolean) =>
  fc
    .tuple(required ? fc.oneof(word, fc.constantFrom('s1', 's42')) : maybe(word), maybe(word), fc.boolean())
    .map(([session, other, split]) => {
      const pairs = [
        ...(session === undefined ? [] : [`session=${session}`]),
        ...(other === undefined ? [] : [`other=${other}`]),
      ];
      if (pairs.length === 0) return [];
      return split ? pairs.map((pair) => ['Cookie', pair] as const) : [['Cookie', pairs.join('; ')] as const];
    });

const listPets = fc
  .record({
    tags: maybe(fc.array(fc.oneof(word, text), { minLength: 1, maxLength: 4 })),
    ids: maybe(
      fc.oneof(
        fc.array(integerText, { minLength: 1, maxLength: 3 }).map((ids) => [ids.join(',')]),
        fc.array(integerText, { minLength: 1, maxLength: 3 }),
      ),
    ),
    limit: maybe(integerText),
    sort: maybe(fc.oneof(fc.constantFrom('name', 'age'), word)),
    filter: maybe(jsonText),
    tenant: maybe(fc.tuple(spelled('X-Tenant'), fc.oneof(fc.constantFrom('acme', 'zeta'), word))),
    cookies: cookieHeaders(false),
  })
  .map(
    ({ tags, ids, limit, sort, filter, tenant, cookies }): HttpRequest => ({
      method: 'GET',
      path: '/pets',
      query: [
        ...(tags ?? []).map((tag) => ['tags', tag] as const),
        ...(ids ?? []).map((id) => ['ids', id] as const),
        ...(limit === undefined ? [] : [['limit', limit] as const]),
        ...(sort === undefined ? [] : [['sort', sort] as const]),
        ...(filter === undefined ? [] : [['filter', filter] as const]),
      ],
      headers: [...(tenant ? [tenant] : []), ...cookies],
      body: undefined,
    }),
  );

const listOwners = fc
  .record({
    tags: maybe(fc.array(fc.oneof(word, text), { minLength: 1, maxLength: 4 })),
    limit: maybe(integerText),
    tenant: maybe(fc.tuple(spelled('X-Tenant'), fc.oneof(fc.constantFrom('acme', 'zeta'), word))),
    cookies: cookieHeaders(false),
  })
  .map(
    ({ tags, limit, tenant, cookies }): HttpRequest => ({
      method: 'GET',
      path: '/owners',
      query: [
        ...(tags ?? []).map((tag) => ['tags', tag] as const),
        ...(limit === undefined ? [] : [['limit', limit] as const]),
      ],
      headers: [...(tenant ? [tenant] : []), ...cookies],
      body: undefined,
    }),
  );

const petBody = fc.oneof(
  fc
    .record(
      {
        name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
        age: fc.oneof(fc.integer({ min: -2, max: 20 }), fc.constant('3')),
        tags: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), fc.constant('x')),
        extra: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  jsonText,
  fc.constantFrom('', '{"name": "Rex"', 'null'),
);

const addPet = fc
  .record({
    body: maybe(petBody),
    requestId: maybe(fc.tuple(spelled('X-Request-Id'), word)),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', undefined),
  })
  .map(
    ({ body, requestId, contentType }): HttpRequest => ({
      method: 'POST',
      path: '/pets',
      query: [],
      headers: [
        ...(requestId ? [requestId] : []),
        ...(contentType === undefined ? [] : [['Content-Type', contentType] as const]),
      ],
      body,
    }),
  );

const getPet = fc.record({ petId: integerText, cookies: cookieHeaders(true) }).map(
  ({ petId, cookies }): HttpRequest => ({
    method: 'GET',
    path: `/pets/${petId}`,
    query: [],
    headers: cookies,
    body: undefined,
  }),
);

const updatePet = fc.record({ petId: integerText, body: maybe(petBody) }).map(
  ({ petId, body }): HttpRequest => ({
    method: 'PATCH',
    path: `/pets/${petId}`,
    query: [],
    headers: [['Content-Type', 'application/json']],
    body,
  }),
);

const getOwnersPet = fc.record({ owner: fc.oneof(fc.constantFrom('o1', 'o77'), word), pet: word }).map(
  ({ owner, pet }): HttpRequest => ({
    method: 'GET',
    path: `/owners/${owner}/pets/${pet}`,
    query: [],
    headers: [],
    body: undefined,
  }),
);

const anyRequest = fc.oneof(listPets, listOwners, addPet, getPet, updatePet, getOwnersPet);

// ---- the comparison -------------------------------------------------------------------------------------------------

let stock: OpenAPIBackend;
let contract: Contract;

beforeAll(async () => {
  stock = new OpenAPIBackend({ definition: structuredClone(definition) as never });
  await stock.init();
  contract = new Contract(toRuntimeDocument(structuredClone(definition) as never) as never, { precompiled: false });
});

interface Verdict {
  readonly operation: string | null;
  readonly valid?: boolean;
  /** Where the errors are (part of the request and keyword), without ajv's wording. */
  readonly errorsAt?: string[];
}

const errorsAt = (errors: readonly { instancePath: string; keyword: string }[]) =>
  [...new Set(errors.map(({ instancePath, keyword }) => `${instancePath} ${keyword}`))].sort();

/** What both report for a body that is not JSON (openapi-backend: a `parse` error; the handler: "is not valid JSON"). */
const NOT_JSON = ['body is not JSON'];

function stockVerdict(request: HttpRequest): Verdict {
  const untyped = request.body !== undefined && !request.headers.some(([name]) => /^content-type$/i.test(name));
  const raw = asRawRequest(
    untyped ? { ...request, headers: [...request.headers, ['Content-Type', 'application/json']] } : request,
  );
  const operation = stock.matchOperation(raw);
  if (!operation) return { operation: null };
  const { valid, errors } = stock.validateRequest(raw, operation);
  const operationId = operation.operationId ?? null;
  if (errors?.some((error) => error.keyword === 'parse' && error.schemaPath === '#/requestBody'))
    return { operation: operationId, valid: false, errorsAt: NOT_JSON };
  return { operation: operationId, valid, errorsAt: errorsAt(errors ?? []) };
}

function contractVerdict(request: HttpRequest): Verdict {
  const event = asProxyEvent(request);
  const operation = contract.match(event.httpMethod, event.path);
  if (!operation) return { operation: null };
  let body: { value: unknown } | undefined;
  try {
    body = request.body === undefined ? undefined : { value: JSON.parse(request.body) };
  } catch {
    return { operation: operation.operationId ?? null, valid: false, errorsAt: NOT_JSON };
  }
  const { errors } = contract.validate(operation, event, body);
  return { operation: operation.operationId ?? null, valid: errors.length === 0, errorsAt: errorsAt(errors) };
}

describe('the contract against a stock OpenAPIBackend', () => {
  it('matches the same operation and reaches the same verdict for generated requests', () => {
    const seen = { valid: 0, invalid: 0, operations: new Set<string>() };
    // the contract calls validateRequest where a request needs openapi-backend's parsing, the validators directly
    // elsewhere: both ways are compared here
    const validateRequest = vi.spyOn(contract.validator, 'validateRequest');
    fc.assert(
      fc.property(anyRequest, (request) => {
        const expected = stockVerdict(request);
        expect(contractVerdict(request)).toEqual(expected);
        if (expected.operation) seen.operations.add(expected.operation);
        seen[expected.valid ? 'valid' : 'invalid']++;
      }),
      { numRuns: 800 },
    );
    // the generators reach every operation, and both verdicts often
    expect([...seen.operations].sort()).toEqual([
      'addPet',
      'getOwnersPet',
      'getPet',
      'listOwners',
      'listPets',
      'updatePet',
    ]);
    expect(Math.min(seen.valid, seen.invalid)).toBeGreaterThan(60);
    const parsed = new Set(
      validateRequest.mock.calls.map(([, operation]) => (operation as { operationId: string }).operationId),
    );
    validateRequest.mockRestore();
    expect([...parsed].sort()).toEqual(['getOwnersPet', 'getPet', 'listPets', 'updatePet']);
  });

  it('departs from it only where the spec says: undeclared query parameters are ignored, a repeated one is its last value', () => {
    const request: HttpRequest = {
      method: 'GET',
      path: '/pets',
      query: [
        ['limit', '99'],
        ['limit', '5'],
        ['unknown', 'x'],
      ],
      headers: [['X-Tenant', 'acme']],
      body: undefined,
    };
    expect(stockVerdict(request).valid).toBe(false);
    const event = asProxyEvent(request);
    const { errors, query } = contract.validate(contract.match('GET', '/pets') as never, event, undefined);
    expect(errors).toEqual([]);
    expect(query).toEqual({ limit: 5 });
  });
});
