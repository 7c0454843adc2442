/** The typed client (src/client/client.ts) against the real local server, then against the Prism mock: same shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomersClient } from '../../src/client/client.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { startTestServer } from '../helpers/local-server.js';
import { type PrismMock, startPrismMock } from '../helpers/prism.js';
import { responseExamples } from '../helpers/spec-examples.js';

let server: LocalServer;
const apiKey = DEFAULT_LOCAL_API_KEY;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('createCustomersClient against the local server', () => {
  it('PUT stores an id and GET finds it', async () => {
    const client = createCustomersClient(server.url, { apiKey });
    const id = `client-${crypto.randomUUID()}`;

    const before = await client.GET('/customers', { params: { query: { id } } });
    const put = await client.PUT('/customers', { body: { id } });
    const again = await client.PUT('/customers', { body: { id } });
    const after = await client.GET('/customers', { params: { query: { id } } });

    expect(before.data).toEqual({ id, customerInDB: false });
    expect(put.response.status).toBe(200);
    expect(put.data).toEqual({ customer: { id }, message: 'success', created: true });
    expect(again.data?.created).toBe(false);
    expect(after.data).toEqual({ id, customerInDB: true });
  });

  it('sends and reads back a Unicode id unchanged', async () => {
    const client = createCustomersClient(server.url, { apiKey });
    const id = `müller-αβγ-😀-${Date.now()}`;

    await client.PUT('/customers', { body: { id } });
    const { data } = await client.GET('/customers', { params: { query: { id } } });

    expect(data).toEqual({ id, customerInDB: true });
  });

  it('sends the key given at creation with every request, whatever other headers a call sets', async () => {
    const client = createCustomersClient(server.url, { apiKey, headers: { 'X-Trace': 'a' } });
    const id = `client-${crypto.randomUUID()}`;

    const put = await client.PUT('/customers', { body: { id }, headers: { 'X-Request': 'b' } });
    const get = await client.GET('/customers', { params: { query: { id } } });

    expect([put.response.status, get.response.status]).toEqual([200, 200]);
    expect(get.data).toEqual({ id, customerInDB: true });
  });

  it('without a key, or with a wrong one, gets 403 Forbidden as a typed error value and writes nothing', async () => {
    const id = `client-${crypto.randomUUID()}`;
    const keyless = createCustomersClient(server.url);
    const wrongKey = createCustomersClient(server.url, { apiKey: 'not-the-key-0123456789' });

    for (const client of [keyless, wrongKey]) {
      const { data, error, response } = await client.PUT('/customers', { body: { id } });
      expect(response.status).toBe(403);
      expect(data).toBeUndefined();
      expect(error).toEqual({ message: 'Forbidden' });
    }
    const after = await createCustomersClient(server.url, { apiKey }).GET('/customers', { params: { query: { id } } });
    expect(after.data).toEqual({ id, customerInDB: false });
  });

  it('refuses an empty key at creation rather than sending it', () => {
    expect(() => createCustomersClient(server.url, { apiKey: ' ' })).toThrow(/apiKey must not be empty/);
  });

  it('returns a refused request as a typed error value with the message, not a throw', async () => {
    const client = createCustomersClient(server.url, { apiKey });

    const { data, error, response } = await client.GET('/customers', { params: { query: { id: 'has space' } } });

    expect(response.status).toBe(400);
    expect(data).toBeUndefined();
    expect(error?.message).toMatch(/query\.id/);
    expect(error?.errors?.[0]?.location).toBe('query.id');
  });
});

describe('createCustomersClient against the Prism mock', () => {
  let mock: PrismMock;

  beforeAll(async () => {
    mock = await startPrismMock();
  });

  afterAll(async () => {
    await mock?.close();
  });

  it('reads the documented examples with the same calls (only the base URL changes)', async () => {
    const client = createCustomersClient(mock.url, { apiKey: 'any-key-the-mock-accepts' });

    const got = await client.GET('/customers', { params: { query: { id: 'cust-4f9a2c' } } });
    const put = await client.PUT('/customers', { body: { id: 'cust-4f9a2c' } });

    expect(got.data).toEqual(responseExamples('getCustomer', 200)[0]?.value);
    expect(put.data).toEqual(responseExamples('putCustomer', 200)[0]?.value);
  });

  it('without a key gets the mock’s 401 with the documented example, as a typed error value', async () => {
    const { error, response } = await createCustomersClient(mock.url).GET('/customers', {
      params: { query: { id: 'cust-4f9a2c' } },
    });

    expect(response.status).toBe(401);
    expect(error).toEqual(responseExamples('getCustomer', 401)[0]?.value);
  });
});
