/**
 * The client package's MSW handlers (src/client/client-msw.ts) under MSW's real Node server, called by the typed client as
 * a frontend's unit test would: state per mock, the API's own refusals and CORS, every answer checked against the
 * spec, and the failures a frontend must handle.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomersClient } from '../../src/client/client.js';
import { createCustomersMock } from '../../src/client/client-msw.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { expectConformsToSpec } from '../helpers/contract-assertions.js';
import { startTestServer } from '../helpers/local-server.js';
import { allowHeader, aMethodNotInSpec } from '../helpers/spec-methods.js';

const BASE = 'https://api.example.invalid/prod';
const mock = createCustomersMock({ baseUrl: BASE });
const msw = setupServer(...mock.handlers);
const client = createCustomersClient(BASE, { apiKey: 'any-key', retry: false });
/** The local server (gateway layer and handler, on dynalite), to hold the mock's answers to. */
let server: LocalServer;

/** Headers only a socket's answer has (or whose value is the moment's): left out when answers are compared. */
const TRANSPORT = /^(date|connection|keep-alive|content-length|transfer-encoding)$/;

/** An answer as a script sees it: status, headers, body text. */
async function seen(url: string, init: RequestInit) {
  const response = await fetch(url, init);
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !TRANSPORT.test(name)));
  return { status: response.status, headers, body: await response.text() };
}

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'bypass' });
  server = await startTestServer();
}, 60_000);
afterEach(() => mock.reset());
afterAll(async () => {
  msw.close();
  await server?.close();
});

describe('createCustomersMock, under MSW’s Node server', () => {
  it('keeps a PUT for the next GET, and forgets it on reset()', async () => {
    const put = await client.PUT('/customers', { body: { id: 'cust-4f9a2c' } });
    const get = await client.GET('/customers', { params: { query: { id: 'cust-4f9a2c' } } });
    mock.reset();
    const after = await client.GET('/customers', { params: { query: { id: 'cust-4f9a2c' } } });

    expect(put.data).toEqual({ customer: { id: 'cust-4f9a2c' }, message: 'success', created: true });
    expect(get.data).toEqual({ id: 'cust-4f9a2c', customerInDB: true });
    expect(after.data).toEqual({ id: 'cust-4f9a2c', customerInDB: false });
  });

  it('keeps each mock’s ids to itself', async () => {
    const other = createCustomersMock({ baseUrl: 'https://other.example.invalid', ids: ['seeded'] });

    await client.PUT('/customers', { body: { id: 'only-here' } });

    expect(mock.has('only-here')).toBe(true);
    expect(other.has('only-here')).toBe(false);
    expect(other.has('seeded')).toBe(true);
  });

  it('answers as the local server answers, header for header: refusals of every kind, and a preflight', async () => {
    const key = { 'x-api-key': DEFAULT_LOCAL_API_KEY };
    const json = { 'content-type': 'application/json' };
    const origin = { origin: 'https://app.example' };
    const cases: ReadonlyArray<readonly [string, RequestInit]> = [
      ['/customers', { headers: { ...key, ...origin } }],
      ['/customers?id=', { headers: key }],
      ['/customers?id=a%20b', { headers: key }],
      [`/customers?id=${'a'.repeat(513)}`, { headers: key }],
      ['/customers?id=x', { headers: origin }],
      ['/customerz', { headers: key }],
      ['/customers', { method: aMethodNotInSpec('/customers'), headers: { ...key, ...origin } }],
      ['/customers', { method: 'PUT', headers: { ...key, ...json }, body: '{"id":"a","id":"b"}' }],
      ['/customers', { method: 'PUT', headers: { ...key, ...json }, body: '{"id":' }],
      ['/customers', { method: 'PUT', headers: { ...key, ...json }, body: '{}' }],
      ['/customers', { method: 'PUT', headers: { ...key, 'content-type': 'text/plain' }, body: '{"id":"a"}' }],
      ['/customers', { method: 'PUT', headers: { ...key, ...json }, body: JSON.stringify({ id: 'a'.repeat(17_000) }) }],
      ['/customers', { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'PUT' } }],
    ];
    for (const [path, init] of cases) {
      const [mocked, real] = [await seen(`${BASE}${path}`, init), await seen(`${server.url}${path}`, init)];
      expect(mocked, `${init.method ?? 'GET'} ${path}`).toEqual(real);
      if (mocked.body !== '') {
        const body = JSON.parse(mocked.body);
        expectConformsToSpec(
          init.method ?? 'GET',
          `${BASE}${path}`,
          { ...mocked, headers: new Headers(mocked.headers), body },
          BASE,
        );
      }
    }
    expect(mock.has('b')).toBe(false);
  });

  it('wants a key, as the API: none is a 403 {"message":"Forbidden"}; with apiKeys, only those', async () => {
    const strict = createCustomersMock({ baseUrl: 'https://strict.example.invalid', apiKeys: ['the-one-key'] });
    msw.use(...strict.handlers);
    const ask = (url: string, key?: string) => fetch(url, { headers: key ? { 'x-api-key': key } : {} });

    const keyless = await ask(`${BASE}/customers?id=x`);
    const wrong = await ask('https://strict.example.invalid/customers?id=x', 'another-key');
    const right = await ask('https://strict.example.invalid/customers?id=x', 'the-one-key');

    expect([keyless.status, await keyless.json()]).toEqual([403, { message: 'Forbidden' }]);
    expect([wrong.status, await wrong.json()]).toEqual([403, { message: 'Forbidden' }]);
    expect(right.status).toBe(200);
  });

  it('answers a cross-origin request and a preflight with the API’s CORS headers', async () => {
    const preflight = await fetch(`${BASE}/customers`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' },
    });
    const get = await fetch(`${BASE}/customers?id=x`, { headers: { origin: 'https://app.example', 'x-api-key': 'k' } });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Api-Key');
    expect(preflight.headers.get('allow')).toBe(allowHeader('/customers'));
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('fails as asked: the API’s 503 and the gateway’s 429 with Retry-After, a 403, then answers again', async () => {
    const lookup = () => client.GET('/customers', { params: { query: { id: 'x' } } });

    mock.fail(503);
    const unavailable = await lookup();
    mock.fail(429, { retryAfterSeconds: 7 });
    const throttled = await lookup();
    mock.fail(403, { times: 2 });
    const forbidden = [await lookup(), await lookup()];
    const fine = await lookup();

    expect(unavailable.response.status).toBe(503);
    expect(unavailable.response.headers.get('retry-after')).toBe('1');
    expect(unavailable.error?.message).toMatch(/customer store is unavailable/);
    expect(throttled.response.status).toBe(429);
    expect(throttled.response.headers.get('retry-after')).toBe('7');
    expect(throttled.error).toEqual({ message: 'Too Many Requests' });
    expect(forbidden.map((answer) => answer.response.status)).toEqual([403, 403]);
    expect(fine.data).toEqual({ id: 'x', customerInDB: false });
    expect(mock.requestCount).toBe(5);
  });

  it('does not store a PUT answered 503 by fail(503) only when the store refused it', async () => {
    mock.fail(503);
    const refused = await client.PUT('/customers', { body: { id: 'not-written' } });

    expect(refused.response.status).toBe(503);
    expect(mock.has('not-written')).toBe(false);
  });

  it('sends the Retry-After asked for on every fault that sends one: the API’s 503 and the gateway’s 429', async () => {
    const lookup = () => client.GET('/customers', { params: { query: { id: 'x' } } });

    mock.fail(503, { retryAfterSeconds: 5 });
    const unavailable = await lookup();
    mock.fail(429, { retryAfterSeconds: 6 });
    const throttled = await lookup();

    expect([unavailable.response.status, unavailable.response.headers.get('retry-after')]).toEqual([503, '5']);
    expect([throttled.response.status, throttled.response.headers.get('retry-after')]).toEqual([429, '6']);
  });

  it('answers the API’s plain 500 on fail(500), storing nothing', async () => {
    mock.fail(500);
    const broken = await client.PUT('/customers', { body: { id: 'not-written' } });

    expect([broken.response.status, broken.error]).toEqual([500, { message: 'Internal server error' }]);
    expect(mock.has('not-written')).toBe(false);
  });

  it('differs from the local server, as the spec lists, on what only an HTTP layer refuses: a URI over 8192 characters', async () => {
    const path = `/customers?id=${'x'.repeat(9000)}`;
    const init = { headers: { 'x-api-key': DEFAULT_LOCAL_API_KEY } };

    const [mocked, real] = [await seen(`${BASE}${path}`, init), await seen(`${server.url}${path}`, init)];

    expect([real.status, JSON.parse(real.body)]).toEqual([414, { message: 'Request URI is too long' }]);
    expect([mocked.status, JSON.parse(mocked.body).errors]).toEqual([
      400,
      [{ location: 'query.id', message: 'must be at most 512 characters' }],
    ]);
  });
});

describe('next(): one operation’s next calls answered as a test asks', () => {
  it('answers with a named example of the spec, then as before', async () => {
    mock.next('getCustomer', { example: 'found' });
    const steered = await client.GET('/customers', { params: { query: { id: 'anything' } } });
    const after = await client.GET('/customers', { params: { query: { id: 'anything' } } });

    expect(steered.data).toEqual({ id: 'cust-4f9a2c', customerInDB: true });
    expect(after.data).toEqual({ id: 'anything', customerInDB: false });
  });

  it('answers a documented status with its first example, or the one named, with the API’s headers', async () => {
    mock.next('putCustomer', { status: 400, example: 'duplicateKey' });
    mock.next('putCustomer', { status: 503, retryAfterSeconds: 4, times: 2 });
    const origin = { origin: 'https://app.example' };
    const refused = await client.PUT('/customers', { body: { id: 'x' }, headers: origin });
    const unavailable = [
      await client.PUT('/customers', { body: { id: 'x' } }),
      await client.PUT('/customers', { body: { id: 'x' } }),
    ];

    expect([refused.response.status, refused.error?.message]).toEqual([
      400,
      'Invalid request: body must not repeat the key "id"',
    ]);
    expect(refused.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(unavailable.map(({ response }) => [response.status, response.headers.get('retry-after')])).toEqual([
      [503, '4'],
      [503, '4'],
    ]);
    expect(unavailable[0]?.response.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(mock.has('x')).toBe(false);
  });

  it('steers one operation only: a GET is not answered with a PUT’s override', async () => {
    mock.next('putCustomer', { status: 503 });
    const get = await client.GET('/customers', { params: { query: { id: 'y' } } });
    const put = await client.PUT('/customers', { body: { id: 'y' } });

    expect([get.response.status, put.response.status]).toEqual([200, 503]);
  });

  it('waits delayMs before answering', async () => {
    mock.next('getCustomer', { delayMs: 150 });
    const started = performance.now();
    const slow = await client.GET('/customers', { params: { query: { id: 'z' } } });

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(slow.data).toEqual({ id: 'z', customerInDB: false });
  });

  it('fails the call with a network error: the client’s fetch rejects', async () => {
    mock.next('getCustomer', { networkError: true });

    await expect(client.GET('/customers', { params: { query: { id: 'z' } } })).rejects.toThrow(TypeError);
    expect(mock.requestCount).toBe(1);
  });

  it('refuses, when asked, an example the spec does not have (a caller without types)', () => {
    const untyped = mock.next as (operationId: string, override: object) => void;

    expect(() => untyped('getCustomer', { example: 'nope' })).toThrow(
      /the spec has no 200 example nope for getCustomer/,
    );
    expect(() => untyped('getCustomer', { status: 415 })).toThrow(/no 415 example/);
  });

  it('forgets what was asked on reset()', async () => {
    mock.next('getCustomer', { status: 500 });
    mock.reset();

    const fine = await client.GET('/customers', { params: { query: { id: 'z' } } });
    expect(fine.response.status).toBe(200);
  });
});

describe('a relative baseUrl, as a browser app has it', () => {
  it('answers under that path on any origin, and nothing outside it', async () => {
    const relative = createCustomersMock({ baseUrl: '/api/' });
    msw.use(...relative.handlers);
    const onPage = createCustomersClient('http://localhost:5173/api', { apiKey: 'k', retry: false });

    const put = await onPage.PUT('/customers', { body: { id: 'from-a-page' } });

    expect(put.data).toEqual({ customer: { id: 'from-a-page' }, message: 'success', created: true });
    expect(relative.has('from-a-page')).toBe(true);
    expect(relative.handlers[0]?.info.path.toString()).not.toMatch(/localhost/);
    await expect(fetch('http://localhost:5173/apis/customers?id=x')).rejects.toThrow();
  });
});
