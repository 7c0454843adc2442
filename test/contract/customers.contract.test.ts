/**
 * The contract suite: the API's documented behaviour, over HTTP, against any target (see target.ts). Every
 * request carries the target's credentials (an API key, or a SigV4 signature) unless a case says otherwise; every
 * response is validated against openapi/openapi.yaml by the `call` helper, wherever the API is served.
 *
 * Read-only (`CONTRACT_READ_ONLY=true`, for production): only lookups, GET refusals, routing, CORS and auth refusals
 * run; no PUT is sent with credentials (the target refuses to authenticate one), and the last case lists what was
 * sent. Every id the full suite writes starts with CONTRACT_ID_PREFIX.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayDefinition } from '../../src/generated/gateway-definition.js';
import type { ApiResponse } from '../helpers/contract-assertions.js';
import { type CallOptions, call as callUnauthenticated } from '../helpers/http.js';
import { allowedMethods, methodsNotInSpec } from '../helpers/spec-methods.js';
import {
  CONTRACT_ID_PREFIX,
  contractReadOnly,
  isRealBackend,
  startTarget,
  type Target,
  targetAuth,
  targetKind,
  WRITE_METHODS,
} from './target.js';

const kind = targetKind();
const auth = targetAuth();
/** Cases that send a write with credentials are skipped when read-only. */
const readOnly = contractReadOnly();
/** Cases only a real backend can pass (state, echoed ids, precise errors) are skipped against the mock. */
const real = isRealBackend(kind);
let target: Target;
let base: string;

/** Attempts at a request a deployed stage throttled (429): the suite's key has its own limits (10 rps by default). */
const THROTTLED_ATTEMPTS = 10;

/**
 * `call`, with the target's credentials added to the request. A deployed stage's 429 (the key's or the stage's
 * throttle) is retried after a growing, jittered wait, as any well-behaved client does; locally nothing throttles.
 */
async function call<Body = Record<string, unknown>>(
  url: string,
  options: CallOptions = {},
): Promise<ApiResponse<Body>> {
  for (let attempt = 1; ; attempt++) {
    const headers = { ...options.headers };
    // Signed again for each attempt: a SigV4 signature carries its time.
    const credentials = await target.credentials({
      method: options.method ?? 'GET',
      url,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const response = await callUnauthenticated<Body>(url, {
      ...options,
      headers: { ...headers, ...credentials },
      baseUrl: base,
    });
    if (response.status !== 429 || kind !== 'deployed' || attempt === THROTTLED_ATTEMPTS) return response;
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random())));
  }
}

function putJson(baseUrl: string, body: unknown) {
  return call(`${baseUrl}/customers`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function getCustomer(baseUrl: string, id: string) {
  return call(`${baseUrl}/customers?id=${encodeURIComponent(id)}`);
}

beforeAll(async () => {
  target = await startTarget();
  base = target.baseUrl;
});
afterAll(async () => {
  await target?.close();
});

/** A fresh id per test, so runs against a shared deployed table never collide; written ones are found by the prefix. */
const freshId = (label = 'id') => `${CONTRACT_ID_PREFIX}${label}-${randomUUID()}`;

/**
 * Where a 400 says the problem was. Every real backend names it exactly: on AWS, API Gateway validates only that `id`
 * is there (its 400 names `query.id`, as the Lambda's does) and leaves every body to the Lambda
 * (infra/request-validators.ts); locally, the gateway layer applies the same definition. The mock answers the first
 * documented example of the operation.
 */
function expectErrorLocations(body: Record<string, unknown>, exact: string[], mockExample: string[]): void {
  expect(typeof body.message).toBe('string');
  const locations = ((body.errors ?? []) as { location: string }[]).map((error) => error.location);
  expect(locations).toEqual(kind === 'mock' ? mockExample : exact);
}

describe(`GET /customers (${kind})`, () => {
  it('answers 200 with a lookup result for a valid id', async () => {
    const response = await getCustomer(base, freshId());
    expect(response.status).toBe(200);
    expect(typeof response.body.customerInDB).toBe('boolean');
  });

  it.skipIf(!real)('answers customerInDB false for an id that was never stored', async () => {
    const id = freshId();
    const response = await getCustomer(base, id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, customerInDB: false });
  });

  it.skipIf(!real)('ignores query parameters other than id', async () => {
    const id = freshId();
    const response = await call(`${base}/customers?id=${id}&utm_source=newsletter&page=2`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, customerInDB: false });
  });

  it.each([
    ['no id', ''],
    ['an empty id', '?id='],
    ['an id with a space', '?id=a%20b'],
    ['an id with a tab', '?id=a%09b'],
    ['an id with a newline', '?id=a%0Ab'],
    ['an id over 512 characters', `?id=${'x'.repeat(513)}`],
    ['an id with U+FFFD, the replacement character', '?id=caf%EF%BF%BD'],
  ])('refuses %s with 400 and says what is wrong', async (_case, query) => {
    const response = await call(`${base}/customers${query}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/id/);
    expectErrorLocations(response.body, ['query.id'], ['query.id']);
  });

  it.skipIf(!real)('refuses an id whose bytes are not UTF-8 (%FF) with 400, never replacing them', async () => {
    const response = await call(`${base}/customers?id=%FF`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      message: 'Invalid request: query.id is not valid UTF-8',
      errors: [{ location: 'query.id', message: 'is not valid UTF-8' }],
    });
  });

  it.skipIf(!real)(
    'accepts an id of exactly 512 characters of 4 bytes each (2048 bytes, the DynamoDB key limit)',
    async () => {
      const id = '😀'.repeat(511) + freshId().slice(0, 1);
      const response = await getCustomer(base, id);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id, customerInDB: false });
    },
  );
});

describe.skipIf(readOnly)(`PUT /customers (${kind})`, () => {
  it('answers 200 with the written customer for a valid body', async () => {
    const response = await putJson(base, { id: freshId() });
    expect(response.status).toBe(200);
    expect(response.body.message).toBe('success');
  });

  it.skipIf(!real)('stores an id that GET then finds', async () => {
    const id = freshId();
    const put = await putJson(base, { id });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ customer: { id }, message: 'success', created: true });
    const get = await getCustomer(base, id);
    expect(get.body).toEqual({ id, customerInDB: true });
  });

  it.skipIf(!real)('succeeds again for an id that is already there, reporting created false', async () => {
    const id = freshId();
    expect((await putJson(base, { id })).body).toMatchObject({ message: 'success', created: true });
    const again = await putJson(base, { id });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ customer: { id }, message: 'success', created: false });
  });

  it.skipIf(!real)('round-trips a unicode id exactly', async () => {
    const id = freshId('müller-αβγ-日本-😀');
    expect((await putJson(base, { id })).body).toEqual({ customer: { id }, message: 'success', created: true });
    expect((await getCustomer(base, id)).body).toEqual({ id, customerInDB: true });
  });

  it.skipIf(!real)('accepts and ignores body properties other than id', async () => {
    const id = freshId();
    const put = await putJson(base, { id, name: 'Ada', admin: true });
    expect(put.body).toEqual({ customer: { id }, message: 'success', created: true });
  });

  it.skipIf(!real).each([
    ['malformed JSON', '{"id": "abc"'],
    ['truncated JSON', '{"id": "ab'],
  ])('refuses %s with 400, naming the body', async (_case, body) => {
    const response = await putJson(base, body);
    expect(response.status).toBe(400);
    expectErrorLocations(response.body, ['body'], []);
  });

  it.each([
    ['an array', '[]', 'body'],
    ['a string', '"abc"', 'body'],
    ['a JSON-encoded object inside a string', JSON.stringify(JSON.stringify({ id: 'x' })), 'body'],
    ['null', 'null', 'body'],
    ['an object without id', '{"name": "Ada"}', 'body.id'],
    ['a number id', '{"id": 5}', 'body.id'],
    ['a null id', '{"id": null}', 'body.id'],
    ['an empty id', '{"id": ""}', 'body.id'],
    ['an id with a space', '{"id": "a b"}', 'body.id'],
    ['an id with a tab', '{"id": "a\\tb"}', 'body.id'],
    ['an unpaired surrogate', '{"id": "a\\ud800b"}', 'body.id'],
    ['an id over 512 characters', JSON.stringify({ id: 'x'.repeat(513) }), 'body.id'],
    ['an id with U+FFFD, the replacement character', JSON.stringify({ id: 'caf\ufffd' }), 'body.id'],
  ])('refuses %s with 400, naming %s', async (_case, body, location) => {
    const response = await putJson(base, body);
    expect(response.status).toBe(400);
    expectErrorLocations(response.body, [location], ['body.id']);
  });

  it.skipIf(!real)('refuses a JSON object that repeats a key with 400 {message}, storing neither value', async () => {
    const [first, second] = [freshId('dup-a'), freshId('dup-b')];
    for (const body of [`{"id":"${first}","id":"${second}"}`, `{"id":"${first}","\\u0069d":"${second}"}`]) {
      const response = await putJson(base, body);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Invalid request: body must not repeat the key "id"');
      expectErrorLocations(response.body, ['body'], []);
    }
    for (const id of [first, second]) expect((await getCustomer(base, id)).body).toEqual({ id, customerInDB: false });
  });

  it.skipIf(!real)(
    'refuses a body that starts with a byte order mark with 400 {message}, storing nothing',
    async () => {
      const id = freshId('bom');
      const response = await putJson(base, `\ufeff${JSON.stringify({ id })}`);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Invalid request: body must not start with a byte order mark');
      expect((await getCustomer(base, id)).body).toEqual({ id, customerInDB: false });
    },
  );

  it.skipIf(!real)('refuses an empty body with 400', async () => {
    const response = await call(`${base}/customers`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '',
    });
    expect(response.status).toBe(400);
  });

  it('refuses a text/plain body with 415', async () => {
    const response = await call<{ message: string }>(`${base}/customers`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ id: freshId() }),
    });
    expect(response.status).toBe(415);
    expect(response.body.message).toMatch(/application\/json/);
  });

  it.skipIf(!real)('refuses a body over 16 KiB with 413 {message}', async () => {
    const body = JSON.stringify({ id: freshId(), padding: 'x'.repeat(16 * 1024) });
    const url = `${base}/customers`;
    const headers = { 'Content-Type': 'application/json' };
    const response = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, ...(await target.credentials({ method: 'PUT', url, headers, body })) },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request body is larger than 16 KiB' });
  });

  it.skipIf(!real)('writes nothing when a request is refused', async () => {
    const id = freshId('refused');
    const refused = await call(`${base}/customers`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ id }),
    });
    expect(refused.status).toBe(415);
    expect((await getCustomer(base, id)).body).toEqual({ id, customerInDB: false });
  });

  it.skipIf(!real)('keeps every one of 200 concurrent PUTs', { timeout: 180_000 }, async () => {
    const ids = Array.from({ length: 200 }, () => freshId('concurrent'));
    const puts = await Promise.all(ids.map((id) => putJson(base, { id })));
    expect(puts.map((put) => put.status)).toEqual(ids.map(() => 200));
    const gets = await Promise.all(ids.map((id) => getCustomer(base, id)));
    expect(gets.map((get) => get.body.customerInDB)).toEqual(ids.map(() => true));
  });
});

describe(`routing and CORS (${kind})`, () => {
  it.skipIf(!real).each(methodsNotInSpec('/customers'))(
    'answers %s /customers (not in the spec) with 405 and an Allow header',
    async (method) => {
      const response = await call(`${base}/customers`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')?.split(/,\s*/).sort()).toEqual(allowedMethods('/customers').sort());
    },
  );

  // With AWS IAM auth, API Gateway answers an unknown path as an unsigned request (401): it cannot tell them apart.
  it.skipIf(!real || auth === 'iam')('answers an unknown path with 404', async () => {
    const response = await call(`${base}/customer`);
    expect(response.status).toBe(404);
    // API Gateway answers it (MISSING_AUTHENTICATION_TOKEN), in the words of the definition it imports.
    const template = gatewayDefinition['x-amazon-apigateway-gateway-responses']?.MISSING_AUTHENTICATION_TOKEN;
    expect(response.body).toEqual(JSON.parse(template?.responseTemplates?.['application/json'] ?? 'null'));
  });

  it('answers a CORS preflight for PUT', async () => {
    const response = await fetch(`${base}/customers`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,x-api-key',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/app\.example\.com)$/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    const allowedHeaders = response.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    expect(allowedHeaders).toMatch(/content-type/);
    expect(allowedHeaders, 'a browser may send the API key').toMatch(/x-api-key/);
  });

  it('adds Access-Control-Allow-Origin to an ordinary response', async () => {
    const url = `${base}/customers?id=${freshId()}`;
    const headers = { Origin: 'https://app.example.com' };
    const response = await fetch(url, {
      headers: { ...headers, ...(await target.credentials({ method: 'GET', url, headers })) },
    });
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/app\.example\.com)$/);
    await response.text();
  });
});

describe.skipIf(auth !== 'apiKey')(`API key (${kind})`, () => {
  const noKey = (path: string, options: CallOptions = {}) =>
    callUnauthenticated(`${base}${path}`, { ...options, baseUrl: base });
  const wrongKey = { 'x-api-key': 'not-a-key-anyone-was-given-0000' };

  it.each([
    ['GET', '/customers?id=cust-4f9a2c', undefined],
    // Read-only, the body is one the API would refuse anyway: even a stage that forgot its key writes nothing.
    ['PUT', '/customers', JSON.stringify({ id: readOnly ? 'read-only: never stored' : freshId('unkeyed') })],
  ])('refuses %s without a key, before anything else', async (method, path, body) => {
    const response = await noKey(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    // The mock answers 401 with the spec's example (Prism's security check); the API answers as API Gateway does.
    expect(response.status).toBe(kind === 'mock' ? 401 : 403);
    if (kind !== 'mock') expect(response.body).toEqual({ message: 'Forbidden' });
  });

  it.skipIf(!real)('refuses a key it does not know with 403, without repeating the key', async () => {
    const response = await noKey('/customers?id=cust-4f9a2c', { headers: wrongKey });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Forbidden' });
    expect(JSON.stringify(response.body)).not.toContain(wrongKey['x-api-key']);
  });

  it.skipIf(!real)('refuses an invalid request without a key with 403, not 400: the key is checked first', async () => {
    const response = await noKey('/customers?id=', { headers: wrongKey });
    expect(response.status).toBe(403);
  });

  it.skipIf(!real || readOnly)('writes nothing for a PUT without a key or with a wrong one', async () => {
    const id = freshId('unkeyed');
    for (const headers of [{}, wrongKey]) {
      const refused = await noKey('/customers', {
        method: 'PUT',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      expect(refused.status).toBe(403);
    }
    expect((await getCustomer(base, id)).body).toEqual({ id, customerInDB: false });
  });

  it('answers a CORS preflight without a key', async () => {
    const response = await fetch(`${base}/customers`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-api-key',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/x-api-key/);
  });

  it.skipIf(!real)('adds Access-Control-Allow-Origin to a 403, so a browser can read it', async () => {
    const response = await fetch(`${base}/customers?id=cust-4f9a2c`, {
      headers: { Origin: 'https://app.example.com' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/app\.example\.com)$/);
    await response.text();
  });
});

describe.skipIf(auth !== 'iam')(`AWS IAM (${kind})`, () => {
  it('refuses an unsigned request with 401 {message}, not a disguised 404', async () => {
    const response = await callUnauthenticated(`${base}/customers?id=cust-4f9a2c`, { baseUrl: base });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: expect.any(String) });
  });

  it.skipIf(readOnly)('writes nothing for an unsigned PUT', async () => {
    const id = freshId('unsigned');
    const refused = await callUnauthenticated(`${base}/customers`, {
      baseUrl: base,
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id }),
    });
    expect(refused.status).toBe(401);
    expect((await getCustomer(base, id)).body).toEqual({ id, customerInDB: false });
  });
});

describe.runIf(readOnly)(`read-only (${kind})`, () => {
  it('sent no write with credentials, and says what it sent', () => {
    const counts = new Map<string, number>();
    for (const request of target.authenticated) {
      const line = `${request.method} ${new URL(request.url).pathname}`;
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    const lines = [...counts].map(([line, count]) => `${count} × ${line}`);
    console.info(`CONTRACT_READ_ONLY: authenticated requests sent, none of them a write:\n  ${lines.join('\n  ')}`);
    expect(target.authenticated.length, 'the read-only cases ran').toBeGreaterThan(0);
    expect(target.authenticated.filter((request) => WRITE_METHODS.has(request.method))).toEqual([]);
  });
});
