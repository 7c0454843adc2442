import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { Contract } from '../../src/api/contract.js';
import type { CustomerStore } from '../../src/api/customer-store.js';
import { StoreUnavailableError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/logger.js';
import { failingStore, MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { MAX_BODY_BYTES } from '../../src/api/request-handler.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';
import {
  allowedMethods,
  allowHeader,
  aMethodNotInSpec,
  methodsNotInSpec,
  specMethods,
} from '../helpers/spec-methods.js';

/** An in-memory store: unit tests exercise routing, validation and error mapping, not DynamoDB. */

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function setup(options: { store?: CustomerStore; origins?: string[] } = {}) {
  const store = options.store ?? new MemoryCustomerStore();
  const { lines } = captureLogLines();
  const handler = createApiHandler({
    // a contract of its own for each test: what it derives once per operation is derived in every test
    contract: new Contract(),
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
    expect([...(store as MemoryCustomerStore).ids]).toEqual(['c-1']);
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
    expect((store as MemoryCustomerStore).ids.size).toBe(0);
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
    const store = failingStore(new StoreUnavailableError({ cause: throttled }));
    const { handler, lines } = setup({ store });
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('1');
    expect(result.body).not.toMatch(/Provisioned|Rate of requests|exceeds/);
    expect(JSON.stringify(lines)).toMatch(/ProvisionedThroughputExceededException/);
  });

  it('answers an unexpected failure with a plain 500 and logs the details', async () => {
    const store = failingStore(new TypeError('secret internal detail'));
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
    const store = failingStore(new StoreUnavailableError({ cause }));
    const { handler, lines } = setup({ store });
    await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));
    expect(lines.find((line) => line.message === 'request failed')).toMatchObject({
      level: 'ERROR',
      error: { name: 'StoreUnavailableError', cause: { message: 'socket hang up' } },
    });
    expect(lines.find((line) => line.message === 'request')).toMatchObject({ status: 503, operation: 'getCustomer' });
  });

  it('takes a body of exactly 16 KiB and refuses one byte more, counted in bytes, encoded or not', async () => {
    const { handler } = setup();
    const sized = (bytes: number) => {
      const body = JSON.stringify({ id: 'edge', pad: '' });
      return JSON.stringify({ id: 'edge', pad: 'é'.repeat((bytes - Buffer.byteLength(body)) / 2) });
    };
    const exact = sized(MAX_BODY_BYTES);
    const over = `${sized(MAX_BODY_BYTES - 2)}  ${' '.repeat(1)}`;
    expect([Buffer.byteLength(exact), Buffer.byteLength(over)]).toEqual([MAX_BODY_BYTES, MAX_BODY_BYTES + 1]);

    const base64 = (text: string) => ({ ...putEvent(Buffer.from(text).toString('base64')), isBase64Encoded: true });
    const results = await Promise.all([
      handler(putEvent(exact)),
      handler(putEvent(over)),
      handler(base64(exact)),
      handler(base64(over)),
    ]);

    expect(results.map((result) => result.statusCode)).toEqual([200, 413, 200, 413]);
    expect(JSON.parse(results[1]?.body ?? '')).toEqual({ message: 'Request body is larger than 16 KiB' });
  });

  it('answers a preflight with 204, no body, and the methods the path allows', async () => {
    const { handler, lines } = setup();
    const result = await handler(proxyEvent({ httpMethod: 'OPTIONS', headers: { Origin: 'https://app.example.com' } }));
    expect(result).toEqual({
      statusCode: 204,
      headers: {
        Allow: allowHeader('/customers'),
        'Access-Control-Allow-Methods': allowedMethods('/customers').join(','),
        'Access-Control-Allow-Headers': 'Content-Type,Authorization,X-Api-Key,X-Amz-Date,X-Amz-Security-Token',
        'Access-Control-Max-Age': '600',
        'Access-Control-Allow-Origin': '*',
      },
      body: '',
    });
    expect(lines).toEqual([expect.objectContaining({ message: 'request', method: 'OPTIONS', status: 204 })]);
  });

  it('answers a method the path does not have with 405, naming those it has in Allow and the message', async () => {
    const { handler } = setup();
    for (const method of methodsNotInSpec('/customers')) {
      const result = await handler(proxyEvent({ httpMethod: method }));
      expect(result.statusCode).toBe(405);
      expect(result.headers?.Allow).toBe(allowHeader('/customers'));
      expect(JSON.parse(result.body)).toEqual({
        message: `Method ${method} is not allowed on /customers; allowed: ${allowHeader('/customers')}`,
      });
    }
  });

  it('answers an unknown path with 404, whatever the method', async () => {
    const { handler } = setup();
    for (const httpMethod of [...specMethods('/customers'), aMethodNotInSpec('/customers')]) {
      const result = await handler(proxyEvent({ httpMethod, path: '/orders' }));
      expect(result.statusCode).toBe(404);
      expect(JSON.parse(result.body)).toEqual({ message: 'No resource at /orders' });
    }
  });

  it.each([
    ['charset=utf-8', 'application/json; charset=utf-8'],
    ['a quoted UTF8 charset', 'application/json; charset="UTF8"'],
    ['another parameter', 'application/json; profile=x'],
    ['spaces around the media type', ' application/json ;charset=utf-8'],
  ])('accepts JSON with %s', async (_case, contentType) => {
    const { handler } = setup();
    const result = await handler(putEvent('{"id":"typed"}', { 'content-type': contentType }));
    expect(result.statusCode).toBe(200);
  });

  it.each([
    ['another charset', 'application/json; charset=latin1', 'send the body as UTF-8 text'],
    ['another media type', 'text/plain', 'send the body as application/json'],
  ])('refuses %s with 415 and says what to send', async (_case, contentType, advice) => {
    const { handler, store } = setup();
    const result = await handler(putEvent('{"id":"typed"}', { 'content-type': contentType }));
    expect(result.statusCode).toBe(415);
    expect(JSON.parse(result.body)).toEqual({ message: `Unsupported Content-Type ${contentType}: ${advice}` });
    expect((store as MemoryCustomerStore).ids.size).toBe(0);
  });

  it('reads a body whose Content-Encoding is identity, in any case, and refuses a compressed one', async () => {
    const { handler } = setup();
    const plain = await handler(putEvent('{"id":"plain"}', { 'Content-Encoding': ' Identity ' }));
    const gzip = await handler(putEvent('{"id":"plain"}', { 'Content-Encoding': 'gzip' }));
    expect(plain.statusCode).toBe(200);
    expect(gzip.statusCode).toBe(415);
    expect(JSON.parse(gzip.body)).toEqual({ message: 'Unsupported Content-Encoding gzip: send the body uncompressed' });
  });

  it('refuses a base64-encoded body that is not UTF-8 with 400', async () => {
    const { handler } = setup();
    const bytes = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    const result = await handler({ ...putEvent(bytes.toString('base64')), isBase64Encoded: true });
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      message: 'Invalid request: body is not valid UTF-8',
      errors: [{ location: 'body', message: 'is not valid UTF-8' }],
    });
  });

  it('refuses a body that is not JSON with 400, before validation', async () => {
    const { handler } = setup();
    const result = await handler(putEvent('{"id":'));
    expect(JSON.parse(result.body)).toEqual({
      message: 'Invalid request: body is not valid JSON',
      errors: [{ location: 'body', message: 'is not valid JSON' }],
    });
  });

  it('gives the operation the query as validated, and ignores a header whose value is missing', async () => {
    const { handler } = setup();
    const result = await handler(
      proxyEvent({ queryStringParameters: { id: 'q-1' }, headers: { Origin: undefined } as never }),
    );
    expect(JSON.parse(result.body)).toEqual({ id: 'q-1', customerInDB: false });
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });

  it('answers every JSON answer with Content-Type and Cache-Control: no-store', async () => {
    const { handler } = setup();
    for (const event of [proxyEvent({ queryStringParameters: { id: 'x' } }), proxyEvent({ path: '/orders' })]) {
      const result = await handler(event);
      expect(result.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    }
  });

  it('logs the duration in milliseconds, to the microsecond', async () => {
    const { handler, lines } = setup();
    const now = vi.spyOn(performance, 'now');
    now.mockReturnValueOnce(1000).mockReturnValueOnce(1012.3456);
    await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));
    expect(lines[0]).toMatchObject({ durationMs: 12.346, method: 'GET', path: '/customers' });
  });

  it('logs nothing but the request line for a refusal: no failure for a 4xx', async () => {
    const { handler, lines } = setup();
    await handler(proxyEvent({ queryStringParameters: { id: 'a b' } }));
    expect(lines.map((line) => line.message)).toEqual(['request']);
    expect(lines[0]).not.toHaveProperty('reason');
  });

  it.each([
    ['no body', null],
    ['an empty body', ''],
  ])('answers a PUT with %s: the body is required', async (_case, body) => {
    const { handler } = setup();
    const result = await handler(
      proxyEvent({ httpMethod: 'PUT', body, headers: { 'Content-Type': 'application/json' } }),
    );
    expect(JSON.parse(result.body)).toEqual({
      message: 'Invalid request: body is required',
      errors: [{ location: 'body', message: 'is required' }],
    });
  });

  it('answers an event without headers or request context (a test invocation from the console)', async () => {
    const { handler, lines } = setup();
    const { requestContext: _dropped, ...bare } = proxyEvent({ queryStringParameters: { id: 'x' } });
    const result = await handler({ ...bare, headers: null, multiValueHeaders: null } as never);
    expect(result.statusCode).toBe(200);
    expect(lines[0]).not.toHaveProperty('requestId');
  });

  it.each([
    ['a charset followed by a space', 'application/json; charset=utf-8 ', 200],
    ['a charset with a quote inside', 'application/json; charset=utf"-8', 415],
    ['a charset quoted on one side only', 'application/json; charset="utf-8', 200],
  ])('reads %s as the charset it names', async (_case, contentType, status) => {
    const { handler } = setup();
    const result = await handler(putEvent('{"id":"typed"}', { 'content-type': contentType }));
    expect(result.statusCode).toBe(status);
  });
});
