/** The typed client (src/client.ts) against the real local server, then against the Prism mock: same shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomersClient } from '../../src/client.js';
import type { LocalServer } from '../../src/local/server.js';
import { startTestServer } from '../helpers/local-server.js';
import { type PrismMock, startPrismMock } from '../helpers/prism.js';
import { responseExamples } from '../helpers/spec-examples.js';

let server: LocalServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('createCustomersClient against the local server', () => {
  it('PUT stores an id and GET finds it', async () => {
    const client = createCustomersClient(server.url);
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
    const client = createCustomersClient(server.url);
    const id = `müller-αβγ-😀-${Date.now()}`;

    await client.PUT('/customers', { body: { id } });
    const { data } = await client.GET('/customers', { params: { query: { id } } });

    expect(data).toEqual({ id, customerInDB: true });
  });

  it('returns a refused request as a typed error value with the message, not a throw', async () => {
    const client = createCustomersClient(server.url);

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
    const client = createCustomersClient(mock.url);

    const got = await client.GET('/customers', { params: { query: { id: 'cust-4f9a2c' } } });
    const put = await client.PUT('/customers', { body: { id: 'cust-4f9a2c' } });

    expect(got.data).toEqual(responseExamples('getCustomer', 200)[0]?.value);
    expect(put.data).toEqual(responseExamples('putCustomer', 200)[0]?.value);
  });
});
