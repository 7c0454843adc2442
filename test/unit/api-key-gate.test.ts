/** The local server's API-key gate (src/local/api-key-gate.ts) on proxy events, and the API_KEYS setting. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, DEFAULT_LOCAL_API_KEY, readLocalServerConfig } from '../../src/config.js';
import { Contract } from '../../src/contract.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { API_KEY_HEADER, API_KEY_SCHEME, requiresApiKey, withApiKeyGate } from '../../src/local/api-key-gate.js';
import { createLogger } from '../../src/logger.js';
import type { ProxyHandler } from '../../src/request-handler.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

const KEYS = ['first-key-0123456789abcdef', 'second-key-0123456789abcdef'];
const contract = new Contract(undefined, { precompiled: false });

function gated(options: { corsAllowedOrigins?: string[] } = {}) {
  const lines: string[] = [];
  const handler = vi.fn<ProxyHandler>(async () => ({ statusCode: 200, headers: {}, body: '{}' }));
  const gate = withApiKeyGate(handler, {
    apiKeys: KEYS,
    contract,
    corsAllowedOrigins: options.corsAllowedOrigins ?? ['*'],
    logger: createLogger('debug', (line) => lines.push(line)),
  });
  return { gate, handler, lines };
}

const withHeaders = (event: APIGatewayProxyEvent, headers: Record<string, string>): APIGatewayProxyEvent => ({
  ...event,
  headers: { ...event.headers, ...headers },
});

describe('withApiKeyGate', () => {
  it('passes a request with a configured key to the handler, whatever the case of the header name', async () => {
    const { gate, handler } = gated();

    const first = await gate(
      withHeaders(proxyEvent({ queryStringParameters: { id: 'a' } }), { 'X-Api-Key': KEYS[0] as string }),
    );
    const second = await gate(withHeaders(putEvent('{"id":"a"}'), { 'x-api-key': KEYS[1] as string }));

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(handler).toHaveBeenCalledTimes(2);
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
  ])('answers %s with 403 {"message":"Forbidden"} without calling the handler', async (_case, headers) => {
    const { gate, handler } = gated();

    const get = await gate(withHeaders(proxyEvent(), headers));
    const put = await gate(withHeaders(putEvent('{"id":"a"}'), headers));

    for (const result of [get, put]) {
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body)).toEqual({ message: 'Forbidden' });
      expect(result.headers?.['Content-Type']).toBe('application/json');
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('adds CORS headers to the 403, as API Gateway’s gateway responses do', async () => {
    const { gate } = gated({ corsAllowedOrigins: ['https://app.example.com'] });

    const result = await gate(withHeaders(proxyEvent(), { Origin: 'https://app.example.com' }));

    expect(result.statusCode).toBe(403);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });

  it.each([
    ['a CORS preflight', proxyEvent({ httpMethod: 'OPTIONS' })],
    ['an unknown path', proxyEvent({ path: '/orders' })],
    ['a method the path does not have', proxyEvent({ httpMethod: 'DELETE' })],
  ])('lets %s through without a key (API Gateway routes it without one)', async (_case, event) => {
    const { gate, handler } = gated();

    await gate(event);

    expect(handler).toHaveBeenCalledOnce();
  });

  it('logs a refused request without the key it carried', async () => {
    const { gate, lines } = gated();
    const wrongKey = 'wrong-key-that-must-not-be-logged';

    await gate(withHeaders(proxyEvent(), { 'x-api-key': wrongKey }));

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ status: 403, refused: 'unknown API key' });
    expect(lines.join('\n')).not.toContain(wrongKey);
  });

  it('refuses to start without a key', () => {
    expect(() =>
      withApiKeyGate(vi.fn(), { apiKeys: [], contract, corsAllowedOrigins: ['*'], logger: createLogger('silent') }),
    ).toThrow(/at least one API key/);
  });
});

describe('requiresApiKey follows the spec', () => {
  const document = openapiDocument as unknown as {
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
  };

  it('gates on the scheme and header the spec declares', () => {
    expect(document.components.securitySchemes[API_KEY_SCHEME]).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: API_KEY_HEADER,
    });
  });

  it('requires the key on every operation of the spec', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) {
        expect(requiresApiKey(contract, method, path), `${method} ${path}`).toBe(true);
      }
    }
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
