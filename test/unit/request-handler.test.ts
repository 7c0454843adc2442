import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../src/api-handler.js';
import { readHandlerConfig } from '../../src/config.js';
import { Contract } from '../../src/contract.js';
import type { CustomerStore } from '../../src/customer-store.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { MAX_BODY_BYTES } from '../../src/request-handler.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

/** An in-memory store: unit tests exercise routing, validation and error mapping, not DynamoDB. */
const contract = new Contract();

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function setup(options: { store?: CustomerStore; origins?: string[] } = {}) {
  const store = options.store ?? new MemoryStore();
  const { lines } = captureLogLines();
  const handler = createApiHandler({
    contract,
    store,
    config: { ...readHandlerConfig({}), corsAllowedOrigins: options.origins ?? ['*'] },
    logger: createLogger('info'),
  });
  return { handler, store, lines };
}

describe('request handler', () => {
  it('stores only the id, whatever else the body carries', async () => {
    const { handler, store } = setup();
    const result = await handler(putEvent(JSON.stringify({ id: 'c-1', role: 'admin' })));
    expect(result.statusCode).toBe(200);
    expect([...(store as MemoryStore).ids]).toEqual(['c-1']);
  });

  it('reads a base64-encoded body, as API Gateway sends binary media types', async () => {
    const { handler } = setup();
    const body = Buffer.from(JSON.stringify({ id: 'c-2' })).toString('base64');
    const result = await handler({ ...putEvent(body), isBase64Encoded: true });
    expect(JSON.parse(result.body)).toEqual({ customer: { id: 'c-2' }, message: 'success', created: true });
  });

  it('reads a body without Content-Type as JSON, as API Gateway validation does', async () => {
    const { handler } = setup();
    const result = await handler(putEvent(JSON.stringify({ id: 'c-3' }), {}));
    expect(result.statusCode).toBe(200);
  });

  it('accepts a JSON Content-Type with a charset', async () => {
    const { handler } = setup();
    const result = await handler(putEvent('{"id":"c-4"}', { 'content-type': 'Application/JSON; charset=utf-8' }));
    expect(result.statusCode).toBe(200);
  });

  it('refuses a body over 16 KiB with 413 and writes nothing', async () => {
    const { handler, store } = setup();
    const result = await handler(putEvent(JSON.stringify({ id: 'big', pad: 'x'.repeat(MAX_BODY_BYTES) })));
    expect(result.statusCode).toBe(413);
    expect((store as MemoryStore).ids.size).toBe(0);
  });

  it('uses the last id when the query string repeats it, as API Gateway does', async () => {
    const { handler } = setup();
    const result = await handler(
      proxyEvent({
        queryStringParameters: { id: 'second' },
        multiValueQueryStringParameters: { id: ['first', 'second'] },
      }),
    );
    expect(JSON.parse(result.body)).toEqual({ id: 'second', customerInDB: false });
  });

  it('answers a preflight for an unknown path with 404', async () => {
    const { handler } = setup();
    const result = await handler(proxyEvent({ httpMethod: 'OPTIONS', path: '/nothing' }));
    expect(result.statusCode).toBe(404);
  });

  it('allows only the configured origins', async () => {
    const { handler } = setup({ origins: ['https://app.example.com', 'https://admin.example.com'] });
    const allowed = await handler(
      proxyEvent({ queryStringParameters: { id: 'x' }, headers: { Origin: 'https://admin.example.com' } }),
    );
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://admin.example.com');
    expect(allowed.headers?.Vary).toBe('Origin');
    const refused = await handler(
      proxyEvent({ queryStringParameters: { id: 'x' }, headers: { Origin: 'https://evil.example.net' } }),
    );
    expect(refused.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('answers 503 when the store is unavailable, without AWS error text', async () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'Rate of requests exceeds',
      $metadata: {},
    });
    const store: CustomerStore = {
      exists: () => Promise.reject(new StoreUnavailableError({ cause: throttled })),
      put: () => Promise.reject(new StoreUnavailableError({ cause: throttled })),
    };
    const { handler, lines } = setup({ store });
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('1');
    expect(result.body).not.toMatch(/Provisioned|Rate of requests|exceeds/);
    expect(JSON.stringify(lines)).toMatch(/ProvisionedThroughputExceededException/);
  });

  it('answers an unexpected failure with a plain 500 and logs the details', async () => {
    const store: CustomerStore = {
      exists: () => Promise.reject(new TypeError('secret internal detail')),
      put: () => Promise.reject(new TypeError('secret internal detail')),
    };
    const { handler, lines } = setup({ store });
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error' });
    expect(lines.find((line) => line.message === 'request failed')).toMatchObject({
      error: { name: 'TypeError', message: 'secret internal detail' },
    });
  });

  it('logs one line per request with request id, operation, status and duration', async () => {
    const { handler, lines } = setup();
    await handler(putEvent(JSON.stringify({ id: 'logged' })));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'request',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      operation: 'putCustomer',
      status: 200,
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
  });

  it('never logs request bodies at the default level, accepted or refused', async () => {
    const { handler, lines } = setup();
    const secret = 'SECRET-MARKER-7f3a';
    await handler(putEvent(JSON.stringify({ id: 'x', password: secret })));
    await handler(putEvent(`{"id": "${secret}`));
    await handler(putEvent(JSON.stringify({ id: `a ${secret}` })));
    expect(lines).toHaveLength(3);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('logs a server-side failure with its cause chain', async () => {
    const cause = new Error('socket hang up');
    const store: CustomerStore = {
      exists: () => Promise.reject(new StoreUnavailableError({ cause })),
      put: () => Promise.reject(new StoreUnavailableError({ cause })),
    };
    const { handler, lines } = setup({ store });
    await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));
    expect(lines.find((line) => line.message === 'request failed')).toMatchObject({
      level: 'ERROR',
      error: { name: 'StoreUnavailableError', cause: { message: 'socket hang up' } },
    });
    expect(lines.find((line) => line.message === 'request')).toMatchObject({ status: 503, operation: 'getCustomer' });
  });
});
