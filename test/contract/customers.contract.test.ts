/**
 * The contract suite: the API's documented behaviour, over HTTP, against any target (see target.ts). Every
 * response is validated against openapi/openapi.yaml by the `call` helper.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, getCustomer, putJson } from '../helpers/http.js';
import { isRealBackend, startTarget, type Target, targetKind } from './target.js';

const kind = targetKind();
/** Cases only a real backend can pass (state, echoed ids, precise errors) are skipped against the mock. */
const real = isRealBackend(kind);
let target: Target;
let base: string;

beforeAll(async () => {
  target = await startTarget();
  base = target.baseUrl;
});
afterAll(async () => {
  await target?.close();
});

/** A fresh id per test, so runs against a shared deployed table never collide. */
const freshId = (label = 'contract') => `${label}-${randomUUID()}`;

/**
 * Where a 400 says the problem was. The Lambda names it exactly; the mock answers the first documented example of
 * the operation; a deployed API Gateway may refuse the request itself (its request validation), saying only
 * "Invalid request body" or "Missing required request parameters" with no details, in the same {message} shape.
 */
function expectErrorLocations(body: Record<string, unknown>, exact: string[], mockExample: string[]): void {
  expect(typeof body.message).toBe('string');
  const locations = ((body.errors ?? []) as { location: string }[]).map((error) => error.location);
  if (kind === 'local') expect(locations).toEqual(exact);
  else if (kind === 'mock') expect(locations).toEqual(mockExample);
  else if (body.errors !== undefined) expect(locations).toEqual(exact);
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
  ])('refuses %s with 400 and says what is wrong', async (_case, query) => {
    const response = await call(`${base}/customers${query}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/id/);
    expectErrorLocations(response.body, ['query.id'], ['query.id']);
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

describe(`PUT /customers (${kind})`, () => {
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
    const id = `müller-αβγ-日本-😀-${randomUUID()}`;
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
  ])('refuses %s with 400, naming %s', async (_case, body, location) => {
    const response = await putJson(base, body);
    expect(response.status).toBe(400);
    expectErrorLocations(response.body, [location], ['body.id']);
  });

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
    const response = await fetch(`${base}/customers`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
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

  it.skipIf(!real)('keeps every one of 200 concurrent PUTs', async () => {
    const ids = Array.from({ length: 200 }, () => freshId('concurrent'));
    const puts = await Promise.all(ids.map((id) => putJson(base, { id })));
    expect(puts.map((put) => put.status)).toEqual(ids.map(() => 200));
    const gets = await Promise.all(ids.map((id) => getCustomer(base, id)));
    expect(gets.map((get) => get.body.customerInDB)).toEqual(ids.map(() => true));
  });
});

describe(`routing and CORS (${kind})`, () => {
  it.skipIf(!real).each(['DELETE', 'POST', 'PATCH'])(
    'answers %s /customers with 405 and an Allow header',
    async (method) => {
      const response = await call(`${base}/customers`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'OPTIONS', 'PUT']);
    },
  );

  it.skipIf(!real)('answers an unknown path with 404', async () => {
    const response = await call(`${base}/customer`);
    expect(response.status).toBe(404);
  });

  it('answers a CORS preflight for PUT', async () => {
    const response = await fetch(`${base}/customers`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/app\.example\.com)$/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type/);
  });

  it('adds Access-Control-Allow-Origin to an ordinary response', async () => {
    const response = await fetch(`${base}/customers?id=${freshId()}`, {
      headers: { Origin: 'https://app.example.com' },
    });
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/app\.example\.com)$/);
    await response.text();
  });
});
