/**
 * The client's retries (src/client/retry.ts), counted: the attempts it sends (through a counting `fetch`) and the waits it
 * makes (`onRetry`, and the time that passed, which can only be longer). Against the real local server whose
 * DynamoDB throttles (a real ProvisionedThroughputExceededException below the SDK, as in the faults suite: the
 * server's own 503 with `Retry-After: 1`), and against the client package's MSW handlers asked for a 429.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { createCustomersClient, type RetryInfo, type RetryOptions } from '../../src/client/client.js';
import { createCustomersMock } from '../../src/client/client-msw.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startEmulator } from '../../src/local/embedded-dynamodb.js';
import { ensureTable } from '../../src/local/table.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { startTestServer } from '../helpers/local-server.js';

/** A client whose attempts (requests sent) and waits are recorded. */
function countingClient(baseUrl: string, retry: RetryOptions | false = {}) {
  const attempts: string[] = [];
  const waits: RetryInfo[] = [];
  const client = createCustomersClient(baseUrl, {
    apiKey: DEFAULT_LOCAL_API_KEY,
    fetch: (request) => {
      attempts.push(request.method);
      return globalThis.fetch(request);
    },
    retry: retry === false ? false : { ...retry, onRetry: (info) => waits.push(info) },
  });
  return { client, attempts, waits };
}

describe('against the local server, when DynamoDB throttles (503, Retry-After: 1)', () => {
  let throttledCalls = 0;
  let close: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    const dynamo = await startEmulator(':memory:');
    // One attempt per DynamoDB call, so that one throttled call is one 503.
    const client = createDynamoDbClient({
      endpoint: dynamo.endpoint,
      credentials: EMULATOR_CREDENTIALS,
      region: EMULATOR_REGION,
      dynamoDbMaxAttempts: 1,
      dynamoDbConnectTimeoutMs: 10_000,
      dynamoDbRequestTimeoutMs: 10_000,
    });
    await ensureTable(client, 'customer_ids');
    client.middlewareStack.add(
      (next) => async (args) => {
        if (throttledCalls <= 0) return next(args);
        throttledCalls -= 1;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: 'deserialize', name: 'injectThrottling' },
    );
    const server = await startTestServer({ store: new DynamoDbCustomerStore(client, 'customer_ids') });
    url = server.url;
    close = async () => {
      await server.close();
      client.destroy();
      await dynamo.close();
    };
  }, 60_000);
  afterAll(() => close?.());

  it('retries a PUT answered 503 after Retry-After, and the id is written once it answers', async () => {
    const { client, attempts, waits } = countingClient(url);
    const id = `retry-${crypto.randomUUID()}`;
    throttledCalls = 1;

    const started = performance.now();
    const put = await client.PUT('/customers', { body: { id } });
    const elapsed = performance.now() - started;

    expect(put.data).toEqual({ customer: { id }, message: 'success', created: true });
    expect(attempts).toEqual(['PUT', 'PUT']);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ attempt: 1, status: 503, method: 'PUT' });
    // Retry-After: 1, plus up to the first jitter (200 ms)
    expect(waits[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(waits[0]?.delayMs).toBeLessThanOrEqual(1200);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect((await client.GET('/customers', { params: { query: { id } } })).data?.customerInDB).toBe(true);
  });

  it('gives up after its attempts, with the last answer, and never retries when told not to', async () => {
    const bounded = countingClient(url, { attempts: 2, baseDelayMs: 0 });
    const never = countingClient(url, false);

    throttledCalls = 10;
    const gaveUp = await bounded.client.GET('/customers', { params: { query: { id: 'x' } } });
    const once = await never.client.GET('/customers', { params: { query: { id: 'x' } } });
    throttledCalls = 0;

    expect(gaveUp.response.status).toBe(503);
    expect(bounded.attempts).toEqual(['GET', 'GET']);
    expect(bounded.waits.map((wait) => wait.delayMs)).toEqual([1000]);
    expect(once.response.status).toBe(503);
    expect(never.attempts).toEqual(['GET']);
  });
});

describe('against the MSW handlers asked for 429s', () => {
  const BASE = 'https://api.example.invalid';
  const mock = createCustomersMock({ baseUrl: BASE });
  const server = setupServer(...mock.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('tries 3 times by default, each wait Retry-After plus a jitter that doubles, then returns the 429', async () => {
    mock.reset();
    mock.fail(429, { times: 5 });
    const { client, attempts, waits } = countingClient(BASE);

    const throttled = await client.GET('/customers', { params: { query: { id: 'x' } } });

    expect(throttled.response.status).toBe(429);
    expect(throttled.error).toEqual({ message: 'Too Many Requests' });
    expect(attempts).toEqual(['GET', 'GET', 'GET']);
    expect(mock.requestCount).toBe(3);
    expect(waits.map((wait) => wait.attempt)).toEqual([1, 2]);
    expect(waits[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(waits[0]?.delayMs).toBeLessThanOrEqual(1200);
    expect(waits[1]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(waits[1]?.delayMs).toBeLessThanOrEqual(1400);
  });

  it('does not wait a Retry-After longer than maxDelayMs: the 429 comes back at once', async () => {
    mock.reset();
    mock.fail(429, { retryAfterSeconds: 60 });
    const { client, attempts, waits } = countingClient(BASE);

    const throttled = await client.PUT('/customers', { body: { id: 'later' } });

    expect(throttled.response.status).toBe(429);
    expect(throttled.response.headers.get('retry-after')).toBe('60');
    expect(attempts).toEqual(['PUT']);
    expect(waits).toEqual([]);
    expect(mock.has('later')).toBe(false);
  });

  it('sends a retried PUT’s body again: the id is written by the second attempt', async () => {
    mock.reset();
    mock.fail(429);
    const { client, attempts } = countingClient(BASE, { baseDelayMs: 0 });

    const put = await client.PUT('/customers', { body: { id: 'second-time' } });

    expect(put.data).toEqual({ customer: { id: 'second-time' }, message: 'success', created: true });
    expect(attempts).toEqual(['PUT', 'PUT']);
  });
});
