/**
 * The client's optional answer check (src/client/answer-check.ts): the API's own answers (the MSW handlers, which
 * answer as the API does) break nothing; an answer the spec does not allow is reported, with what is wrong, and
 * handed on unchanged.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerCheck, type ContractBreak, createCustomersClient } from '../../src/client/client.js';
import { createCustomersMock } from '../../src/client/client-msw.js';

const BASE = 'https://answers.example.invalid';
const mock = createCustomersMock({ baseUrl: BASE });
const msw = setupServer(...mock.handlers);
const breaks: ContractBreak[] = [];
const client = createCustomersClient(BASE, {
  apiKey: 'k',
  retry: false,
  checkAnswers: answerCheck((found) => breaks.push(found)),
});

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mock.reset();
  msw.resetHandlers();
  breaks.length = 0;
});
afterAll(() => msw.close());

describe('answerCheck', () => {
  it('finds nothing wrong in the API’s answers: 200s, 400s, a 403, a 429 and a 503', async () => {
    await client.PUT('/customers', { body: { id: 'cust-4f9a2c' } });
    await client.GET('/customers', { params: { query: { id: 'cust-4f9a2c' } } });
    await client.GET('/customers', { params: { query: { id: 'a b' } } });
    await client.PUT('/customers', { body: { id: 'x'.repeat(513) } });
    for (const fault of [403, 429, 503] as const) {
      mock.fail(fault);
      await client.GET('/customers', { params: { query: { id: 'x' } } });
    }

    expect(mock.requestCount).toBe(7);
    expect(breaks).toEqual([]);
  });

  it('reports a body its schema refuses, saying where, and hands the answer on unchanged', async () => {
    msw.use(http.get(`${BASE}/customers`, () => HttpResponse.json({ id: 'x', customerInDB: 'yes' })));

    const { data } = await client.GET('/customers', { params: { query: { id: 'x' } } });

    expect(data).toEqual({ id: 'x', customerInDB: 'yes' });
    expect(breaks).toEqual([
      {
        method: 'GET',
        url: `${BASE}/customers?id=x`,
        status: 200,
        problems: ['/customerInDB must be boolean'],
      },
    ]);
  });

  it('reports a status the operation does not document, and an answer that is not JSON', async () => {
    msw.use(
      http.put(`${BASE}/customers`, () => HttpResponse.json({ message: 'no' }, { status: 409 })),
      http.get(`${BASE}/customers`, () => HttpResponse.text('<html>', { status: 500 })),
    );

    await client.PUT('/customers', { body: { id: 'x' } });
    await client.GET('/customers', { params: { query: { id: 'x' } } });

    expect(breaks.map((found) => found.problems)).toEqual([
      ['status 409 is not documented for PUT /customers'],
      ['the 500 is not JSON (text/plain)'],
    ]);
  });

  it('is off unless asked for', async () => {
    msw.use(http.get(`${BASE}/customers`, () => HttpResponse.json({ id: 5 })));
    const unchecked = createCustomersClient(BASE, { apiKey: 'k', retry: false });

    const { data } = await unchecked.GET('/customers', { params: { query: { id: 'x' } } });

    expect(data).toEqual({ id: 5 });
    expect(breaks).toEqual([]);
  });
});
