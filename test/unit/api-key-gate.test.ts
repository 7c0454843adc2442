/**
 * The local server's API-key gate (src/local/api-key-gate.ts), a guard of the real request handler, on proxy events;
 * and the API_KEYS setting.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../src/api-handler.js';
import { ConfigError, DEFAULT_LOCAL_API_KEY, readHandlerConfig, readLocalServerConfig } from '../../src/config.js';
import { Contract } from '../../src/contract.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { HTTP_METHODS } from '../../src/http-methods.js';
import { apiKeyGate } from '../../src/local/api-key-gate.js';
import { createLogger } from '../../src/logger.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

const KEYS = ['first-key-0123456789abcdef', 'second-key-0123456789abcdef'];
const contract = new Contract(undefined, { precompiled: false });

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function gated(options: { corsAllowedOrigins?: string[] } = {}) {
  const log = captureLogLines();
  const store = new MemoryStore();
  const exists = vi.spyOn(store, 'exists');
  const put = vi.spyOn(store, 'put');
  // a contract of its own for each test: what it derives once per operation is derived in every test
  const fresh = new Contract(undefined, { precompiled: false });
  const gate = createApiHandler({
    config: { ...readHandlerConfig({}), corsAllowedOrigins: options.corsAllowedOrigins ?? ['*'] },
    contract: fresh,
    store,
    logger: createLogger('debug'),
    guard: apiKeyGate({ apiKeys: KEYS, contract: fresh }),
  });
  const storeCalls = () => exists.mock.calls.length + put.mock.calls.length;
  return { gate, storeCalls, log };
}

const withHeaders = (event: APIGatewayProxyEvent, headers: Record<string, string>): APIGatewayProxyEvent => ({
  ...event,
  headers: { ...event.headers, ...headers },
});

describe('apiKeyGate', () => {
  it('passes a request with a configured key to the operation, whatever the case of the header name', async () => {
    const { gate, storeCalls } = gated();

    const first = await gate(
      withHeaders(proxyEvent({ queryStringParameters: { id: 'a' } }), { 'X-Api-Key': KEYS[0] as string }),
    );
    const second = await gate(withHeaders(putEvent('{"id":"a"}'), { 'x-api-key': KEYS[1] as string }));

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(storeCalls()).toBe(2);
  });

  it.each([
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['an unknown key', { 'x-api-key': 'not-a-key-0123456789abcdef' }],
    ['a known key with a character more', { 'x-api-key': `${KEYS[0]}x` }],
    ['a known key in another header', { authorization: KEYS[0] as string }],
    // Parsed from JSON, as the Lambda runtime builds events: `__proto__` is an own header here, not a prototype.
    [
      'a known key only in headers named like Object.prototype members',
      JSON.parse(`{"__proto__": "${KEYS[0]}", "constructor": "${KEYS[0]}", "toString": "${KEYS[0]}"}`),
    ],
  ])('answers %s with 403 {"message":"Forbidden"} without running the operation', async (_case, headers) => {
    const { gate, storeCalls } = gated();

    const get = await gate(withHeaders(proxyEvent(), headers));
    const put = await gate(withHeaders(putEvent('{"id":"a"}'), headers));

    for (const result of [get, put]) {
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body)).toEqual({ message: 'Forbidden' });
      expect(result.headers?.['Content-Type']).toBe('application/json');
    }
    expect(storeCalls()).toBe(0);
  });

  it('refuses before validating, as API Gateway checks the key first', async () => {
    const { gate } = gated();

    const result = await gate(putEvent('{"id": 5}'));

    expect(result.statusCode).toBe(403);
  });

  it('adds CORS headers to the 403, as API Gateway’s gateway responses do', async () => {
    const { gate } = gated({ corsAllowedOrigins: ['https://app.example.com'] });

    const result = await gate(withHeaders(proxyEvent(), { Origin: 'https://app.example.com' }));

    expect(result.statusCode).toBe(403);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(result.headers?.Vary).toBe('Origin');
  });

  it.each([
    ['a CORS preflight', proxyEvent({ httpMethod: 'OPTIONS' }), 204],
    ['an unknown path', proxyEvent({ path: '/orders' }), 404],
    ['a method the path does not have', proxyEvent({ httpMethod: 'DELETE' }), 405],
  ])('lets %s through without a key (API Gateway routes it without one)', async (_case, event, status) => {
    const { gate } = gated();

    expect((await gate(event)).statusCode).toBe(status);
  });

  it('logs a refused request once, with its operation and why, without the key it carried', async () => {
    const { gate, log } = gated();
    const wrongKey = 'wrong-key-that-must-not-be-logged';

    await gate(withHeaders(proxyEvent(), { 'x-api-key': wrongKey }));
    await gate(proxyEvent());

    expect(log.lines).toHaveLength(2);
    expect(log.lines[0]).toMatchObject({
      message: 'request',
      status: 403,
      operation: 'getCustomer',
      reason: 'unknown API key',
    });
    expect(log.lines[1]).toMatchObject({ status: 403, reason: 'no API key' });
    expect(typeof log.lines[0]?.durationMs).toBe('number');
    expect(log.raw.join('\n')).not.toContain(wrongKey);
  });

  it('lets through an operation whose security names no API-key scheme', () => {
    const open = new Contract(
      {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: { '/a': { get: { operationId: 'a', responses: {} } } },
      } as never,
      { precompiled: false },
    );
    const guard = apiKeyGate({ apiKeys: KEYS, contract: open });
    expect(() => guard(open.match('GET', '/a') as never, {})).not.toThrow();
  });

  it('refuses to start without a key', () => {
    expect(() => apiKeyGate({ apiKeys: [], contract })).toThrow(/at least one API key/);
  });
});

describe('the key the gate asks for follows the spec', () => {
  const document = openapiDocument as unknown as {
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
  };

  it('is read from the header the spec’s apiKey scheme names', () => {
    const operation = contract.match('GET', '/customers');
    expect(operation && contract.apiKeyHeader(operation)).toBe(document.components.securitySchemes.apiKey?.name);
  });

  it('is required on every operation of the spec', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item).filter((key) => (HTTP_METHODS as readonly string[]).includes(key))) {
        const operation = contract.match(method, path);
        expect(operation && contract.apiKeyHeader(operation), `${method} ${path}`).toBe('x-api-key');
      }
    }
  });

  it('is not asked for by an operation whose security names no apiKey scheme', () => {
    const open = new Contract(
      {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: { '/a': { get: { operationId: 'a', security: [{ other: [] }], responses: {} } } },
        components: { securitySchemes: { other: { type: 'http', scheme: 'bearer' } } },
      } as never,
      { precompiled: false },
    );
    expect(open.apiKeyHeader(open.match('GET', '/a') as never)).toBeUndefined();
  });
});

describe('API_KEYS', () => {
  it('defaults to the public local key on a loopback address', () => {
    expect(readLocalServerConfig({}).apiKeys).toEqual([DEFAULT_LOCAL_API_KEY]);
    expect(readLocalServerConfig({ HOST: 'localhost' }).apiKeys).toEqual([DEFAULT_LOCAL_API_KEY]);
  });

  it('reads a comma-separated list of keys', () => {
    expect(readLocalServerConfig({ API_KEYS: ` ${KEYS[0]}, ${KEYS[1]} ` }).apiKeys).toEqual(KEYS);
  });

  it('must be set when the server listens beyond loopback, since the default key is public', () => {
    expect(() => readLocalServerConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => readLocalServerConfig({ HOST: '0.0.0.0' })).toThrow(/API_KEYS must be set when HOST/);
    expect(readLocalServerConfig({ HOST: '0.0.0.0', API_KEYS: KEYS[0] }).apiKeys).toEqual([KEYS[0]]);
  });

  it.each([
    ['shorter than 20 characters', 'short-key'],
    ['with a space', 'a key with spaces in it 0123'],
    ['with a non-ASCII character', 'clé-0123456789abcdefghij'],
    ['longer than 128 characters', 'k'.repeat(129)],
  ])('refuses a key %s, naming its position but not the key', (_case, key) => {
    const read = () => readLocalServerConfig({ API_KEYS: `${KEYS[0]},${key}` });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/API_KEYS: key 2 must be 20 to 128 printable ASCII characters/);
    try {
      read();
    } catch (error) {
      expect((error as Error).message).not.toContain(key);
    }
  });
});
