/**
 * A schema-driven tool from outside the project judges the running local server: Prism's validating proxy sits
 * between generated traffic and the server and checks every request and response against openapi/openapi.yaml.
 * Traffic: the spec's own examples, then fast-check variations (ids, extra query names and body properties that are
 * Object.prototype members, odd headers, encodings, oversize bodies) and requests the spec calls invalid.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/request-handler.js';
import { statefulProxyArgs } from '../../src/local/prism-process.js';
import type { LocalServer } from '../../src/local/server.js';
import { getCustomer, LOCAL_KEY_HEADERS } from '../helpers/http.js';
import { startTestServer } from '../helpers/local-server.js';
import { startPrism } from '../helpers/prism.js';
import { type PrismProxy, startPrismProxy, type Violation, violationsOf } from '../helpers/prism-proxy.js';

/** Prism's proxy starts slower than its mock on shared cores. */
const PROXY_START_TIMEOUT_MS = 60_000;

import { parameterExamples, requestBodyExamples } from '../helpers/spec-examples.js';

let server: LocalServer;
let strict: PrismProxy;
let lenient: PrismProxy;
const ran: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer();
  [strict, lenient] = await Promise.all([
    startPrismProxy(server.url, { errors: true }),
    startPrismProxy(server.url, { errors: false }),
  ]);
}, 120_000);
afterAll(async () => {
  console.log(`requests through Prism's validating proxy: ${JSON.stringify(ran)}`);
  await Promise.all([strict?.close(), lenient?.close()]);
  await server?.close();
});

interface Sent {
  readonly method: 'GET' | 'PUT';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

interface Judged {
  readonly status: number;
  readonly contentType: string;
  readonly violations: Violation[];
  readonly text: string;
}

/** Sends `request` through the proxy with the local server's key, as every client of a secured operation must. */
async function through(
  proxy: PrismProxy,
  request: Sent,
  key: Record<string, string> = LOCAL_KEY_HEADERS,
): Promise<Judged> {
  const response = await fetch(`${proxy.url}${request.path}`, {
    method: request.method,
    headers: { ...key, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    violations: violationsOf(response.headers),
    text,
  };
}

const onResponse = (violations: Violation[]) => violations.filter((violation) => violation.location[0] !== 'request');

/** Prism refused the request as invalid (422 problem+json): it never reached the server. */
const refusedByPrism = (judged: Judged) => judged.status === 422 && judged.contentType.includes('problem+json');

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const json = { 'content-type': 'application/json' };
const query = (id: string, extra = '') => `/customers?id=${encodeURIComponent(id)}${extra}`;

/** Ids the spec allows: its examples' alphabet, letters from several scripts, emoji; 1 to 512 characters. */
const validId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~:@!$&'()*+,;=-]{1,64}$/),
  fc.string({ unit: fc.constantFrom('a', 'ü', 'α', 'я', '中', '😀', '-', '_', 'Z', '9'), minLength: 1, maxLength: 80 }),
);
const extraName = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,11}$/));

const validTraffic: fc.Arbitrary<Sent> = fc.oneof(
  fc.tuple(validId, fc.array(fc.tuple(extraName, fc.string({ maxLength: 8 })), { maxLength: 3 })).map(
    ([id, extras]): Sent => ({
      method: 'GET',
      path: query(id, extras.map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('')),
    }),
  ),
  fc.tuple(validId, fc.dictionary(extraName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })).map(
    ([id, extras]): Sent => ({
      method: 'PUT',
      path: '/customers',
      headers: json,
      body: JSON.stringify({ ...extras, id }),
    }),
  ),
  fc.tuple(validId, fc.constantFrom('gzip', 'br', 'deflate')).map(
    ([id, encoding]): Sent => ({
      method: 'PUT',
      path: '/customers',
      headers: { ...json, 'content-encoding': encoding },
      body: JSON.stringify({ id }),
    }),
  ),
  fc.tuple(validId, fc.integer({ min: 1, max: 4096 })).map(
    ([id, extra]): Sent => ({
      method: 'PUT',
      path: '/customers',
      headers: json,
      body: JSON.stringify({ id, padding: 'x'.repeat(MAX_BODY_BYTES + extra) }),
    }),
  ),
  fc
    .tuple(validId, extraName)
    .map(([id, name]): Sent => ({ method: 'GET', path: query(id), headers: { [`x-${name}`]: 'v' } })),
);

const invalidTraffic: fc.Arbitrary<Sent> = fc.oneof(
  fc.constantFrom<Sent>(
    { method: 'GET', path: '/customers' },
    { method: 'GET', path: '/customers?id=' },
    { method: 'PUT', path: '/customers', headers: json, body: '{' },
    { method: 'PUT', path: '/customers', headers: json, body: '[]' },
    { method: 'PUT', path: '/customers', headers: json, body: '{"id":1}' },
    { method: 'PUT', path: '/customers', headers: json, body: '{}' },
    { method: 'PUT', path: '/customers', headers: json, body: '{"__proto__":{"id":"p"}}' },
  ),
  fc.tuple(fc.constantFrom(' ', '\t', '\n', '\u0000', '\u0085', '\u2028'), validId).map(
    ([bad, id]): Sent => ({
      method: 'PUT',
      path: '/customers',
      headers: json,
      body: JSON.stringify({ id: `${id}${bad}` }),
    }),
  ),
  fc
    .tuple(fc.constantFrom(' ', '\t', '\u007f'), validId)
    .map(([bad, id]): Sent => ({ method: 'GET', path: query(`${bad}${id}`) })),
  fc.integer({ min: 513, max: 700 }).map((length): Sent => ({ method: 'GET', path: query('a'.repeat(length)) })),
);

describe("Prism's validating proxy in front of the local server", () => {
  it('finds no violation in the answers to the spec’s own examples', async () => {
    const sent: Sent[] = [
      ...parameterExamples('getCustomer', 'id').map(
        (example): Sent => ({ method: 'GET', path: query(String(example.value)) }),
      ),
      ...requestBodyExamples('putCustomer').map(
        (example): Sent => ({ method: 'PUT', path: '/customers', headers: json, body: JSON.stringify(example.value) }),
      ),
    ];
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const request of sent) {
      const judged = await through(strict, request);
      expect(judged.violations, `${request.method} ${request.path}`).toEqual([]);
      expect(judged.status).toBe(200);
    }
  });

  it('finds no violation in generated traffic the spec allows (--errors)', async () => {
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(validTraffic, async (request) => {
        ran.valid = (ran.valid ?? 0) + 1;
        const judged = await through(strict, request);
        if (refusedByPrism(judged)) return;
        forwarded++;
        expect(onResponse(judged.violations), `${request.method} ${request.path}\n${judged.text}`).toEqual([]);
        expect(judged.status, judged.text).toBeLessThan(500);
        expect(judged.contentType).toMatch(/^application\/json/);
      }),
      { numRuns: 120 },
    );
    // Prism lets most of it through: the property is about the server's answers, not Prism's refusals.
    expect(forwarded).toBeGreaterThan(100);
  });

  it('finds no violation in the answers to requests the spec refuses (violations are the request’s only)', async () => {
    await fc.assert(
      fc.asyncProperty(invalidTraffic, async (request) => {
        ran.invalid = (ran.invalid ?? 0) + 1;
        const judged = await through(lenient, request);
        expect(judged.status, judged.text).toBe(400);
        expect(onResponse(judged.violations), `${request.method} ${request.path}\n${judged.text}`).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the API key, through the proxy', () => {
  it('refuses a PUT without x-api-key itself (the security the spec declares), and nothing is written', async () => {
    const id = `keyless-${Date.now()}`;
    const judged = await through(
      strict,
      {
        method: 'PUT',
        path: '/customers',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      },
      {},
    );
    expect(judged.status).toBe(401);
    expect(JSON.parse(judged.text)).toMatchObject({ type: expect.stringMatching(/UNAUTHORIZED$/) });
    expect((await getCustomer(server.url, id)).body).toEqual({ id, customerInDB: false });
  });

  it('forwards a wrong key, and the server answers 403 Forbidden as documented, with no violation', async () => {
    const judged = await through(
      strict,
      { method: 'GET', path: '/customers?id=cust-4f9a2c' },
      { 'x-api-key': 'not-a-key-the-server-knows' },
    );
    expect(judged.status, judged.text).toBe(403);
    expect(JSON.parse(judged.text)).toEqual({ message: 'Forbidden' });
    expect(onResponse(judged.violations)).toEqual([]);
  });
});

describe('the check can fail', () => {
  let wrong: Server;
  let judge: PrismProxy;

  beforeAll(async () => {
    // An upstream that breaks the contract in the ways the checks above would have to notice.
    wrong = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url?.includes('id=shape')) response.end('{"id":1}');
      else if (request.url?.includes('id=status')) response.writeHead(418).end('{"message":"teapot"}');
      else response.writeHead(400).end('{"message":"m","errors":[{"where":"query"}]}');
    });
    await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
    // Prism as `npm run mock:stateful` runs it, so that what it reports there is proven here
    judge = await startPrism(
      statefulProxyArgs(`http://127.0.0.1:${(wrong.address() as AddressInfo).port}`),
      PROXY_START_TIMEOUT_MS,
    );
  }, 120_000);
  afterAll(async () => {
    await judge?.close();
    await new Promise((resolve) => wrong?.close(resolve));
  });

  it.each([
    ['a body of the wrong shape', '/customers?id=shape', /Response body/],
    ['an undocumented status', '/customers?id=status', /status code/],
    ['an error detail without its fields', '/customers', /errors\.0/],
  ])('Prism reports %s, in the sl-violations header and an error log line', async (_, path, message) => {
    const judged = await through(judge, { method: 'GET', path });
    expect(
      onResponse(judged.violations)
        .map((violation) => violation.message)
        .join('\n'),
    ).toMatch(message);
    expect(judge.output()).toMatch(new RegExp(`Violation: response\\S* .*${message.source}`));
  });
});
