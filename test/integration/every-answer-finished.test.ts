/**
 * Every answer of the real local server leaves through one finishing step (src/api/finish-response.ts), whoever made it:
 * the handler, the API-key gate, or the HTTP adapter's own refusals (a query that is not UTF-8, 413, 414, 417, 431, a
 * request Node cannot parse). So to a request with an `Origin` each carries the CORS headers a browser needs to read
 * it, the headers the spec declares for it (checked both ways), and each writes exactly one `request` log line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/api/logger.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { expectConformsToSpec } from '../helpers/contract-assertions.js';
import { call } from '../helpers/http.js';
import { startTestServer } from '../helpers/local-server.js';
import { captureLogLines, type LogCapture } from '../helpers/log-lines.js';
import { exchange } from '../helpers/raw-http.js';
import { aMethodNotInSpec } from '../helpers/spec-methods.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://other.example.net';
const CORS_ALLOWED_ORIGINS = [ALLOWED];
const KEY = { 'x-api-key': DEFAULT_LOCAL_API_KEY };
const JSON_TYPE = { 'Content-Type': 'application/json' };

let server: LocalServer;
let log: LogCapture;

beforeAll(async () => {
  log = captureLogLines();
  server = await startTestServer({
    config: { corsAllowedOrigins: CORS_ALLOWED_ORIGINS },
    logger: createLogger('info'),
  });
});

afterAll(async () => {
  await server?.close();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterEach(() => {
  log.lines.length = 0;
});

/** The one `request` line the last request wrote, once it is written (the raw refusals log as they answer). */
async function theRequestLine(status: number): Promise<Record<string, unknown>> {
  await vi.waitFor(() => expect(log.requestLines()).toHaveLength(1));
  const [line] = log.requestLines();
  expect(line).toMatchObject({ status });
  expect(typeof line?.durationMs).toBe('number');
  return line as Record<string, unknown>;
}

describe('answers over HTTP, to a request from an allowed origin', () => {
  const fromAllowed = (headers: Record<string, string> = {}) => ({ Origin: ALLOWED, ...headers });

  it.each([
    ['200: a lookup', 'GET', '/customers?id=cust-1', KEY, undefined, 200, 'getCustomer'],
    ['200: a write', 'PUT', '/customers', { ...KEY, ...JSON_TYPE }, '{"id":"cors-1"}', 200, 'putCustomer'],
    ['400: an invalid id', 'GET', '/customers?id=a%20b', KEY, undefined, 400, 'getCustomer'],
    ['400: a query that is not UTF-8', 'GET', '/customers?id=%FF', KEY, undefined, 400, 'getCustomer'],
    ['400: a body that is not JSON', 'PUT', '/customers', { ...KEY, ...JSON_TYPE }, '{"id":', 400, 'putCustomer'],
    ['400: a body that is not an object', 'PUT', '/customers', { ...KEY, ...JSON_TYPE }, '"abc"', 400, 'putCustomer'],
    ['403: no API key', 'GET', '/customers?id=cust-1', {}, undefined, 403, 'getCustomer'],
    ['404: an unknown path', 'GET', '/orders', KEY, undefined, 404, null],
    ['405: a method the spec does not list', aMethodNotInSpec('/customers'), '/customers', KEY, undefined, 405, null],
    [
      '413: a body over 16 KiB',
      'PUT',
      '/customers',
      { ...KEY, ...JSON_TYPE },
      'x'.repeat(16 * 1024 + 1),
      413,
      'putCustomer',
    ],
    ['414: a URI over 8192 characters', 'GET', `/customers?id=${'a'.repeat(8200)}`, KEY, undefined, 414, null],
    [
      '415: a body that is not JSON by type',
      'PUT',
      '/customers',
      { ...KEY, 'Content-Type': 'text/plain' },
      'x',
      415,
      'putCustomer',
    ],
  ] as const)(
    '%s carries CORS and writes one request line',
    async (_case, method, path, headers, body, status, operation) => {
      const response = await call(`${server.url}${path}`, {
        method,
        headers: fromAllowed(headers),
        ...(body === undefined ? {} : { body }),
        corsAllowedOrigins: CORS_ALLOWED_ORIGINS,
      });

      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(response.headers.get('vary')).toBe('Origin');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const line = await theRequestLine(status);
      expect(line).toMatchObject({ method });
      expect(line.operation).toBe(operation ?? undefined);
    },
  );

  it.each([
    [
      '431: headers too large',
      `GET /customers?id=a HTTP/1.1\r\nHost: x\r\nOrigin: ${ALLOWED}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ['400: a request Node cannot parse', `GET /customers?id=a HTTP/1.1\r\nOrigin: ${ALLOWED}\r\nHo st: x\r\n\r\n`, 400],
    [
      '417: an Expect other than 100-continue',
      `PUT /customers HTTP/1.1\r\nHost: x\r\nOrigin: ${ALLOWED}\r\nExpect: something\r\nContent-Length: 2\r\n\r\n{}`,
      417,
    ],
  ])('%s (answered below the handler) carries CORS and writes one request line', async (_case, bytes, status) => {
    const { responses } = await exchange(server.url, bytes);

    expect(responses.map((response) => response.status)).toEqual([status]);
    const [answer] = responses;
    expect(answer?.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(answer?.headers.vary).toBe('Origin');
    expect(answer?.headers['cache-control']).toBe('no-store');
    expectConformsToSpec(
      'GET',
      `${server.url}/nowhere`,
      { status, headers: new Headers(answer?.headers), body: JSON.parse(answer?.body ?? '') },
      undefined,
      { headers: { Origin: ALLOWED }, corsAllowedOrigins: CORS_ALLOWED_ORIGINS },
    );
    expect((await theRequestLine(status)).operation).toBeUndefined();
  });
});

describe('answers to an origin that is not allowed', () => {
  it.each([
    ['200', '/customers?id=cust-1', KEY, 200],
    ['400 (before the handler)', '/customers?id=%FF', KEY, 400],
    ['403', '/customers?id=cust-1', {}, 403],
    ['404', '/orders', KEY, 404],
  ] as const)('%s says Vary: Origin and names no origin', async (_case, path, headers, status) => {
    const response = await fetch(`${server.url}${path}`, { headers: { Origin: OTHER, ...headers } });

    expect(response.status).toBe(status);
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.has('access-control-allow-origin')).toBe(false);
    expect(await theRequestLine(status)).toBeDefined();
  });
});

/** fetch labels a string body text/plain; a Blob without a type sends no Content-Type at all. */
async function putWithoutContentType(body: string) {
  const url = `${server.url}/customers`;
  const response = await fetch(url, { method: 'PUT', headers: KEY, body: new Blob([body]) });
  const answer = { status: response.status, headers: response.headers, body: await response.json() };
  return expectConformsToSpec('PUT', url, answer);
}

describe('a body without Content-Type', () => {
  it.each(['"abc"', '42', '[]', 'null', '{"id": 5}', '{"id":', '{}'])(
    'is judged exactly as the same body sent as application/json: %s',
    async (body) => {
      const untyped = await putWithoutContentType(body);
      const typed = await call(`${server.url}/customers`, { method: 'PUT', headers: { ...KEY, ...JSON_TYPE }, body });

      expect({ status: untyped.status, body: untyped.body }).toEqual({ status: typed.status, body: typed.body });
      if (body === '"abc"')
        expect(untyped.body).toMatchObject({ errors: [{ location: 'body', message: 'must be an object' }] });
    },
  );
});
