/**
 * Property-based: arbitrary requests against the real local server on dynalite. Whatever a client sends, the API
 * never answers 5xx, always answers JSON `{message}` (as the spec documents) when it refuses, writes nothing for a
 * refused request, and stores a valid id exactly.
 */
import { request as httpRequest } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/request-handler.js';
import type { LocalServer } from '../../src/local/server.js';
import { expectConformsToSpec } from '../helpers/contract-assertions.js';
import { LOCAL_KEY_HEADERS } from '../helpers/http.js';
import { startTestServer } from '../helpers/local-server.js';
import { emulatorClient, storedIds } from '../helpers/stored-ids.js';

let server: LocalServer;
let dynamo: DynamoDBClient;
const ran: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer();
  dynamo = emulatorClient(server);
});
afterAll(async () => {
  console.log(`property cases run: ${JSON.stringify(ran)} (total ${Object.values(ran).reduce((a, b) => a + b, 0)})`);
  dynamo.destroy();
  await server.close();
});

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Any method, path, headers and body, over node:http (fetch refuses some of what clients really send). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawResponse> {
  const url = new URL(server.url);
  const keyed = { ...LOCAL_KEY_HEADERS, ...headers };
  const framed = body === undefined ? keyed : { ...keyed, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: url.port, method, path, headers: framed }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: new Headers(Object.entries(response.headers).map(([k, v]) => [k, String(v)])),
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The invariants every answer keeps. */
function expectWellFormed(method: string, path: string, response: RawResponse): Record<string, unknown> | undefined {
  expect(response.status, `${method} ${path}`).toBeLessThan(500);
  if (method === 'HEAD' || response.status === 204) return undefined;
  const body = JSON.parse(response.text) as Record<string, unknown>;
  if (response.status >= 400) expect(typeof body.message).toBe('string');
  expectConformsToSpec(method, `${server.url}${path.startsWith('/') ? path : `/${path}`}`, {
    status: response.status,
    headers: response.headers,
    body,
  });
  return body;
}

/** Ids: any Unicode (lone surrogates included), whitespace and control characters, lengths 0 to far past 512. */
const anyId = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 600 }),
  fc.string({
    unit: fc.constantFrom('a', 'é', '😀', ' ', '\t', '\n', '\u0000', '\u0085', '\u00a0', '\u2028', '\ud800', '\udfff'),
    maxLength: 30,
  }),
  fc.integer({ min: 0, max: 3000 }).map((length) => 'x'.repeat(length)),
  fc.integer({ min: 500, max: 700 }).map((length) => '😀'.repeat(length)),
);

const percentEncode = (bytes: Uint8Array) =>
  [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

describe('whatever the request, the API answers well', () => {
  it('PUT with any id: 200 and stored exactly, or 400 and nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(anyId, async (id) => {
        ran.putAnyId = (ran.putAnyId ?? 0) + 1;
        const before = await storedIds(dynamo);
        const response = await send(
          'PUT',
          '/customers',
          { 'content-type': 'application/json' },
          JSON.stringify({ id }),
        );
        const body = expectWellFormed('PUT', '/customers', response);
        const after = await storedIds(dynamo);
        if (response.status === 200) {
          expect(body).toMatchObject({ customer: { id } });
          expect([...after].filter((stored) => !before.has(stored))).toEqual(before.has(id) ? [] : [id]);
          const get = await send('GET', `/customers?id=${encodeURIComponent(id)}`, {});
          expect(expectWellFormed('GET', '/customers', get)).toEqual({ id, customerInDB: true });
        } else {
          expect(response.status).toBe(400);
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('GET with any bytes as the id, repeated or not: never 5xx, always {message} when refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 0, maxLength: 3 }), async (values) => {
        ran.getAnyBytes = (ran.getAnyBytes ?? 0) + 1;
        const query = values.map((bytes) => `id=${percentEncode(bytes)}`).join('&');
        const path = `/customers?${query}`;
        expectWellFormed('GET', path, await send('GET', path, {}));
      }),
      { numRuns: 150 },
    );
  });

  it('any body, content type and method: never 5xx, and a refused request writes nothing', async () => {
    const before = await storedIds(dynamo);
    const accepted = new Set<string>();
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const anyBody = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ notId: value })),
      fc.integer({ min: 1, max: 20_000 }).map(deep),
      fc.integer({ min: 1, max: 5_000 }).map((depth) => `{"id": "x", "nested": ${deep(depth)}}`),
      fc.constant(''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PUT', 'POST', 'DELETE', 'PATCH', 'GET', 'HEAD', 'OPTIONS', 'PROPFIND'),
        fc.constantFrom('/customers', '/customers/', '/Customers', '/customers/x', '/', '/customers?id=a&id=b'),
        fc.option(
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/json; charset=utf-8',
            'APPLICATION/JSON',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            '*/*',
            'application/vnd.api+json',
          ),
        ),
        anyBody,
        async (method, path, contentType, body) => {
          ran.anyRequest = (ran.anyRequest ?? 0) + 1;
          const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
          const response = await send(method, path, headers, method === 'GET' || method === 'HEAD' ? undefined : body);
          const answer = expectWellFormed(method, path, response);
          if (method === 'PUT' && response.status === 200)
            accepted.add((answer as { customer: { id: string } }).customer.id);
        },
      ),
      { numRuns: 250 },
    );
    // Exactly the ids of acknowledged PUTs appeared; no refused request wrote anything.
    const added = [...(await storedIds(dynamo))].filter((id) => !before.has(id));
    expect(added.sort()).toEqual([...accepted].filter((id) => !before.has(id)).sort());
  });

  it('big bodies: 16 KiB of valid JSON is accepted, one byte more is 413, 11 MB is 413, none hurts', async () => {
    ran.huge = 3;
    const atLimit = JSON.stringify({ id: 'big-body', padding: '' });
    const full = atLimit.replace('"padding":""', `"padding":"${'x'.repeat(MAX_BODY_BYTES - atLimit.length)}"`);
    expect(Buffer.byteLength(full)).toBe(MAX_BODY_BYTES);
    const accepted = await send('PUT', '/customers', { 'content-type': 'application/json' }, full);
    expect(expectWellFormed('PUT', '/customers', accepted)).toMatchObject({ customer: { id: 'big-body' } });
    for (const body of [`${full} `, Buffer.alloc(11 * 1024 * 1024, 'x')]) {
      const refused = await send('PUT', '/customers', { 'content-type': 'application/json' }, body);
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.text)).toEqual({ message: 'Request body is larger than 16 KiB' });
    }
  });
});
