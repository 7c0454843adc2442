/**
 * The client package's MSW handlers (src/client-msw.ts) under MSW's real Node server, called by the typed client as
 * a frontend's unit test would: state per mock, the API's own refusals and CORS, every answer checked against the
 * spec, and the failures a frontend must handle.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomersClient } from '../../src/client.js';
import { createCustomersMock } from '../../src/client-msw.js';
import { expectConformsToSpec } from '../helpers/contract-assertions.js';

const BASE = 'https://api.example.invalid/prod';
const mock = createCustomersMock({ baseUrl: BASE });
const server = setupServer(...mock.handlers);
const client = createCustomersClient(BASE, { apiKey: 'any-key', retry: false });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

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

  it('refuses what the API refuses, in its words: a missing id, an invalid id, an unknown path and method', async () => {
    const key = { 'x-api-key': 'k' };
    const cases = [
      [`${BASE}/customers`, {}, 400, 'Invalid request: query.id is required'],
      [`${BASE}/customers?id=a%20b`, {}, 400, 'Invalid request: query.id must not contain whitespace'],
      [`${BASE}/customerz`, {}, 404, 'No resource at /customerz'],
      [`${BASE}/customers`, { method: 'DELETE' }, 405, 'Method DELETE is not allowed on /customers'],
      [
        `${BASE}/customers`,
        { method: 'PUT', body: '{"id":"a","id":"b"}', headers: { 'content-type': 'application/json' } },
        400,
        'Invalid request: body must not',
      ],
      [
        `${BASE}/customers`,
        { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } },
        415,
        'Unsupported',
      ],
    ] as const;
    for (const [url, init, status, message] of cases) {
      const response = await fetch(url, { ...init, headers: { ...key, ...('headers' in init ? init.headers : {}) } });
      const body = (await response.json()) as { message: string };
      expect({ status: response.status, message: body.message.slice(0, message.length) }).toEqual({ status, message });
      expectConformsToSpec(
        'method' in init ? init.method : 'GET',
        url,
        { status: response.status, headers: response.headers, body },
        BASE,
      );
    }
    expect(mock.has('b')).toBe(false);
  });

  it('wants a key, as the API: none is a 403 {"message":"Forbidden"} and reads nothing', async () => {
    const response = await fetch(`${BASE}/customers?id=x`);

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers a cross-origin request and a preflight with the API’s CORS headers', async () => {
    const preflight = await fetch(`${BASE}/customers`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' },
    });
    const get = await fetch(`${BASE}/customers?id=x`, { headers: { origin: 'https://app.example', 'x-api-key': 'k' } });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Api-Key');
    expect(preflight.headers.get('allow')).toBe('GET, PUT, OPTIONS');
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
});
