/**
 * The local server's HTTP layer against raw sockets (issue 19): pipelined requests are served one after the other;
 * a header the API reads sent twice is a 400, more headers than it reads a 431 (never a silent drop); what Node's
 * HTTP layer would answer by itself (no `Host`, another HTTP version, `CONNECT`, a target that is not a path) is
 * answered in the API's `{message}` shape; the API key is checked before the body's size or the query's bytes, as
 * API Gateway does; a body or headers too slow to arrive get a 408; a client that goes away is logged as such.
 * Every refusal is proven to have written nothing.
 */
import { connect } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/api/logger.js';
import { MAX_BODY_BYTES } from '../../src/api/request-handler.js';
import { runtimeDocument } from '../../src/generated/runtime-document.js';
import { MAX_HEADER_COUNT } from '../../src/local/protocol-errors.js';
import type { LocalServer } from '../../src/local/server.js';
import { apiKeyHeaders } from '../../src/shared/api-key-scheme.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { startTestServer } from '../helpers/local-server.js';
import { captureLogLines, type LogCapture } from '../helpers/log-lines.js';
import { exchange, expectApiError } from '../helpers/raw-http.js';
import { emulatorClient, storedIds } from '../helpers/stored-ids.js';

/** The key header as the spec names it, and the local server's default key. */
const KEY_HEADER = apiKeyHeaders(runtimeDocument)[0] as string;
const KEY = `${KEY_HEADER}: ${DEFAULT_LOCAL_API_KEY}`;
const REQUEST_TIMEOUT_MS = 1000;

let server: LocalServer;
let dynamo: DynamoDBClient;
let log: LogCapture;
let unique = 0;

beforeAll(async () => {
  log = captureLogLines();
  server = await startTestServer({
    config: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    logger: createLogger('info'),
  });
  dynamo = emulatorClient(server);
});
afterAll(async () => {
  dynamo?.destroy();
  await server?.close();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const newId = (prefix: string) => `${prefix}-${process.pid}-${++unique}`;

/** A PUT of `id` with `lines` (request line first) and the right framing. */
function put(lines: string[], id: string): string {
  const body = JSON.stringify({ id });
  return head([...lines, `Content-Length: ${Buffer.byteLength(body)}`]) + body;
}

/** Sends `bytes`, expects one answer `status` in the API's shape, and that the table did not change. */
async function expectRefusedAndNothingStored(bytes: string, status: number, message?: RegExp): Promise<void> {
  const before = await storedIds(dynamo);
  const { responses, rest } = await exchange(server.url, Buffer.from(bytes, 'latin1'));
  expect(responses.map((response) => response.status)).toEqual([status]);
  expectApiError(responses[0], status, message);
  expect(rest).toBe('');
  expect(await storedIds(dynamo)).toEqual(before);
}

describe('pipelining: requests on one connection are served in order, each after the one before', () => {
  it('a pipelined PUT of a new id, then a GET of it, sees the PUT every time', async () => {
    for (let run = 0; run < 20; run++) {
      const id = newId('pipelined');
      const bytes =
        put(['PUT /customers HTTP/1.1', 'Host: x', KEY, 'Content-Type: application/json'], id) +
        head([`GET /customers?id=${id} HTTP/1.1`, 'Host: x', KEY, 'Connection: close']);
      const { responses, rest } = await exchange(server.url, bytes);
      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      expect(JSON.parse(responses[1]?.body ?? '')).toEqual({ id, customerInDB: true });
      expect(rest).toBe('');
    }
  });

  it('answers come back in the order the requests were sent', async () => {
    const ids = [newId('order'), newId('order'), newId('order')];
    const bytes =
      ids.map((id) => head([`GET /customers?id=${id} HTTP/1.1`, 'Host: x', KEY])).join('') +
      head(['GET /customers?id=last HTTP/1.1', 'Host: x', KEY, 'Connection: close']);
    const { responses } = await exchange(server.url, bytes);
    expect(responses.map((response) => JSON.parse(response.body).id)).toEqual([...ids, 'last']);
  });
});

describe('pipelining after an answer that closes the connection', () => {
  it.each([
    ['a refusal (a repeated Content-Type)', ['Content-Type: application/json', 'Content-Type: text/plain'], 400],
    ["the client's own Connection: close", ['Content-Type: application/json', 'Connection: close'], 200],
  ] as const)('%s: only its answer, and what was pipelined after it writes nothing', async (_, extra, status) => {
    const first = newId('first');
    const after = newId('after');
    const before = await storedIds(dynamo);
    const bytes =
      put(['PUT /customers HTTP/1.1', 'Host: x', KEY, ...extra], first) +
      put(['PUT /customers HTTP/1.1', 'Host: x', KEY, 'Content-Type: application/json'], after) +
      head([`GET /customers?id=${after} HTTP/1.1`, 'Host: x', KEY]);
    const { responses, closed } = await exchange(server.url, bytes);
    expect(responses.map((response) => response.status)).toEqual([status]);
    expect(closed).toBe(true);
    const added = [...(await storedIds(dynamo))].filter((id) => !before.has(id));
    expect(added).toEqual(status === 200 ? [first] : []);
  });
});

it('bytes that are not HTTP pipelined after a request are refused after its answer, in order', async () => {
  const id = newId('before-garbage');
  const bytes = `${put(['PUT /customers HTTP/1.1', 'Host: x', KEY, 'Content-Type: application/json'], id)}NOT HTTP\r\n\r\n`;
  const { responses, rest } = await exchange(server.url, bytes);
  expect(responses.map((response) => response.status)).toEqual([200, 400]);
  expectApiError(responses[1], 400, /^Malformed HTTP request/);
  expect(rest).toBe('');
  expect(await storedIds(dynamo)).toContain(id);
});

describe('a header the API reads, sent twice, is a 400 and nothing is stored', () => {
  const putWith = (extra: string[]) =>
    put(['PUT /customers HTTP/1.1', 'Connection: close', ...extra], newId('repeated'));

  it.each([
    ['Host', ['Host: x', 'Host: y', KEY, 'Content-Type: application/json']],
    ['Content-Type', ['Host: x', KEY, 'Content-Type: text/plain', 'Content-Type: application/json']],
    [
      'Content-Encoding',
      ['Host: x', KEY, 'Content-Type: application/json', 'Content-Encoding: gzip', 'Content-Encoding: identity'],
    ],
    [
      'Origin',
      ['Host: x', KEY, 'Content-Type: application/json', 'Origin: https://a.example', 'Origin: https://b.example'],
    ],
    [
      `${KEY_HEADER}, a wrong key then the right one`,
      ['Host: x', `${KEY_HEADER}: wrong-key-wrong-key-wrong`, KEY, 'Content-Type: application/json'],
    ],
    [
      `${KEY_HEADER}, the right key then a wrong one`,
      ['Host: x', KEY, `${KEY_HEADER}: wrong-key-wrong-key-wrong`, 'Content-Type: application/json'],
    ],
    [
      `${KEY_HEADER}, the right key twice, in another case`,
      [
        'Host: x',
        KEY,
        KEY.toUpperCase().replace(DEFAULT_LOCAL_API_KEY.toUpperCase(), DEFAULT_LOCAL_API_KEY),
        'Content-Type: application/json',
      ],
    ],
  ])('%s', async (name, lines) => {
    const header = (name.split(',')[0] as string).toLowerCase();
    await expectRefusedAndNothingStored(putWith(lines), 400, new RegExp(`header\\.${header} is sent more than once`));
  });
});

describe('headers past the count the server reads are a 431, never a silent drop', () => {
  const filler = (count: number) => Array.from({ length: count }, (_, i) => `X-Filler-${i}: v`);

  it('1,100 headers followed by Content-Type: text/plain: 431, nothing stored', async () => {
    const lines = [
      'PUT /customers HTTP/1.1',
      'Host: x',
      KEY,
      ...filler(1100),
      'Content-Type: text/plain',
      'Connection: close',
    ];
    await expectRefusedAndNothingStored(put(lines, newId('many-headers')), 431, /headers/);
  });

  it('one header past the limit: 431, nothing stored', async () => {
    const fixed = ['Host: x', KEY, 'Content-Type: application/json', 'Connection: close', 'Content-Length: 1'];
    const lines = ['PUT /customers HTTP/1.1', ...fixed.slice(0, -1), ...filler(MAX_HEADER_COUNT - fixed.length + 1)];
    await expectRefusedAndNothingStored(put(lines, newId('one-too-many')), 431, /headers/);
  });

  it('exactly the limit is served', async () => {
    const id = newId('at-limit');
    const fixed = ['Host: x', KEY, 'Content-Type: application/json', 'Connection: close', 'Content-Length: 1'];
    const lines = ['PUT /customers HTTP/1.1', ...fixed.slice(0, -1), ...filler(MAX_HEADER_COUNT - fixed.length)];
    const { responses } = await exchange(server.url, put(lines, id));
    expect(responses.map((response) => response.status)).toEqual([200]);
    expect(await storedIds(dynamo)).toContain(id);
  });
});

describe("what the HTTP layer answers itself is in the API's shape, and never routed elsewhere", () => {
  const json = 'Content-Type: application/json';
  it.each([
    [
      'no Host in HTTP/1.1',
      'PUT /customers HTTP/1.1',
      ['Connection: close', KEY, json],
      400,
      /header\.host is required/,
    ],
    [
      'HTTP/2.0 in the request line',
      'PUT /customers HTTP/2.0',
      ['Host: x', KEY, json],
      505,
      /HTTP version not supported/,
    ],
    [
      'HTTP/3.0 in the request line',
      'PUT /customers HTTP/3.0',
      ['Host: x', KEY, json],
      505,
      /HTTP version not supported/,
    ],
    [
      'an origin-form target starting //, //evil/customers (a path, not a host: an unknown path)',
      'PUT //evil/customers HTTP/1.1',
      ['Host: x', 'Connection: close', KEY, json],
      404,
      /^Not Found$/,
    ],
    [
      'an absolute-form target whose path starts // (an unknown path)',
      'PUT http://x//customers HTTP/1.1',
      ['Host: x', 'Connection: close', KEY, json],
      404,
      /^Not Found$/,
    ],
    ['the asterisk form', 'PUT * HTTP/1.1', ['Host: x', 'Connection: close', KEY, json], 400, /must be a path/],
    [
      'a target without a leading slash',
      'PUT customers HTTP/1.1',
      ['Host: x', 'Connection: close', KEY, json],
      400,
      /^Malformed HTTP request/,
    ],
  ])('%s', async (_, requestLine, lines, status, message) => {
    await expectRefusedAndNothingStored(put([requestLine, ...lines], newId('edge')), status, message);
  });

  it('CONNECT: a 400 in the API shape, the connection closed, nothing routed', async () => {
    const before = await storedIds(dynamo);
    const { responses, closed } = await exchange(
      server.url,
      head(['CONNECT localhost:443 HTTP/1.1', 'Host: localhost:443', KEY]),
    );
    expectApiError(responses[0], 400, /CONNECT is not supported/);
    expect(closed).toBe(true);
    expect(await storedIds(dynamo)).toEqual(before);
  });

  it('GET * is refused as no path; GET //evil/customers is the path //evil/customers (RFC 9112 origin-form), unknown', async () => {
    const star = await exchange(server.url, head(['GET * HTTP/1.1', 'Host: x', KEY]));
    expectApiError(star.responses[0], 400, /must be a path/);
    // answered as any unknown path is, with the key or without it (an unknown path needs none)
    const unknown = await exchange(server.url, head(['GET /orders?id=a HTTP/1.1', 'Host: x', KEY]));
    expectApiError(unknown.responses[0], 404);
    for (const lines of [['Host: x', KEY], ['Host: x']]) {
      const evil = await exchange(server.url, head(['GET //evil/customers?id=a HTTP/1.1', ...lines]));
      expectApiError(evil.responses[0], 404);
      expect(evil.responses[0]?.body).toBe(unknown.responses[0]?.body);
    }
  });

  it('an absolute-form target (RFC 9112 §3.2.2: a server accepts it) is routed by its path only', async () => {
    const id = newId('absolute');
    const { responses } = await exchange(
      server.url,
      put(['PUT http://elsewhere.example/customers HTTP/1.1', 'Host: x', KEY, json, 'Connection: close'], id),
    );
    expect(responses.map((response) => response.status)).toEqual([200]);
    expect(await storedIds(dynamo)).toContain(id);
  });
});

describe('the API key first, as API Gateway: 403 before size, encoding or query checks', () => {
  it('a keyless 20 KB PUT is a 403, not a 413', async () => {
    const body = 'x'.repeat(20 * 1024);
    await expectRefusedAndNothingStored(
      head(['PUT /customers HTTP/1.1', 'Host: x', 'Content-Type: application/json', `Content-Length: ${body.length}`]) +
        body,
      403,
      /^Forbidden$/,
    );
  });

  it('a 20 KB PUT with a wrong key is a 403, not a 413', async () => {
    const body = 'x'.repeat(20 * 1024);
    await expectRefusedAndNothingStored(
      head([
        'PUT /customers HTTP/1.1',
        'Host: x',
        `${KEY_HEADER}: wrong-key-wrong-key-wrong`,
        `Content-Length: ${body.length}`,
      ]) + body,
      403,
      /^Forbidden$/,
    );
  });

  it('a keyless PUT over the limit asking 100-continue gets the 403, and no 100', async () => {
    const { responses } = await exchange(
      server.url,
      head(['PUT /customers HTTP/1.1', 'Host: x', `Content-Length: ${MAX_BODY_BYTES + 1}`, 'Expect: 100-continue']),
    );
    expect(responses.map((response) => response.status)).toEqual([403]);
  });

  it('a keyless GET /customers?id=%FF is a 403, not a 400', async () => {
    const { responses } = await exchange(
      server.url,
      head(['GET /customers?id=%FF HTTP/1.1', 'Host: x', 'Connection: close']),
    );
    expectApiError(responses[0], 403, /^Forbidden$/);
  });

  it('a keyless PUT gzip-encoded is a 403, not a 415', async () => {
    const lines = ['PUT /customers HTTP/1.1', 'Host: x', 'Content-Encoding: gzip', 'Connection: close'];
    await expectRefusedAndNothingStored(put(lines, newId('keyless-gzip')), 403, /^Forbidden$/);
  });
});

describe('a GET with a chunked body is answered as the same GET with a Content-Length', () => {
  const framed = (frame: 'chunked' | 'length', body: Buffer, lines: string[]) => {
    const withFrame =
      frame === 'chunked' ? [...lines, 'Transfer-Encoding: chunked'] : [...lines, `Content-Length: ${body.length}`];
    const payload =
      frame === 'chunked'
        ? Buffer.concat([
            Buffer.from(body.length > 0 ? `${body.length.toString(16)}\r\n` : ''),
            body,
            Buffer.from(body.length > 0 ? '\r\n0\r\n\r\n' : '0\r\n\r\n'),
          ])
        : body;
    return Buffer.concat([Buffer.from(head(withFrame), 'latin1'), payload]);
  };
  it.each([
    ['a small body', Buffer.from('{"id":"x"}'), true, 200],
    ['an empty body', Buffer.alloc(0), true, 200],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x41]), true, 200],
    ['a body over the limit', Buffer.alloc(MAX_BODY_BYTES + 1, 0x61), true, 413],
    ['no key', Buffer.from('{"id":"x"}'), false, 403],
  ])('%s', async (_, body, keyed, status) => {
    const lines = ['GET /customers?id=chunked-get HTTP/1.1', 'Host: x', ...(keyed ? [KEY] : []), 'Connection: close'];
    const answers = [];
    for (const frame of ['chunked', 'length'] as const) {
      const { responses } = await exchange(server.url, framed(frame, body, lines));
      expect(responses.map((response) => response.status)).toEqual([status]);
      answers.push(responses[0]?.body);
    }
    expect(answers[0]).toBe(answers[1]);
  });
});

describe('timeouts: a request too slow to arrive gets a 408 in the API shape', () => {
  it('a body that stops half way: 408, nothing stored, the connection closed', async () => {
    const before = await storedIds(dynamo);
    const { responses, closed } = await exchange(
      server.url,
      `${head(['PUT /customers HTTP/1.1', 'Host: x', KEY, 'Content-Type: application/json', 'Content-Length: 40'])}{"id":"slow-body`,
      10 * REQUEST_TIMEOUT_MS,
    );
    expect(responses.map((response) => response.status)).toEqual([408]);
    expectApiError(responses[0], 408, /not received in time/);
    expect(closed).toBe(true);
    expect(await storedIds(dynamo)).toEqual(before);
  });

  it('headers that never end: 408 in the API shape', async () => {
    const { responses, closed } = await exchange(
      server.url,
      'GET /customers?id=a HTTP/1.1\r\nHost: x\r\n',
      10 * REQUEST_TIMEOUT_MS,
    );
    expectApiError(responses[0], 408, /not received in time/);
    expect(closed).toBe(true);
  });
});

describe('a client that goes away mid-body', () => {
  it('is logged as such: a request line with status 499 at info level, no server error', async () => {
    const from = log.lines.length;
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`${head(['PUT /customers HTTP/1.1', 'Host: x', KEY, 'Content-Length: 100'])}{"id":`);
    // the request line reaches the server, then the client is gone
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const since = () => log.lines.slice(from);
    await vi.waitFor(() => expect(since().filter((line) => line.message === 'request')).toHaveLength(1));
    const [line] = since();
    expect(line).toMatchObject({ level: 'INFO', message: 'request', status: 499, path: '/customers' });
    expect(line).toMatchObject({ method: 'PUT', operation: 'putCustomer' });
    expect(line?.reason).toMatch(/closed the connection/);
    // and nothing else: no `request failed`, no error of any level
    expect(since()).toHaveLength(1);
  });

  it('before its headers end: one request line with status 499, no server error', async () => {
    const from = log.lines.length;
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /customers?id=half HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await vi.waitFor(() => expect(log.lines.length).toBeGreaterThan(from));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(log.lines.slice(from)).toEqual([
      // Node keeps no bytes of a head cut short: the line says only that the client went away.
      expect.objectContaining({
        level: 'INFO',
        message: 'request',
        status: 499,
        reason: expect.stringMatching(/closed/),
      }),
    ]);
  });
});

describe("answers that are the client's doing are not logged as faults", () => {
  it('an HTTP version the server does not speak: one request line with 505, no `request failed`', async () => {
    const from = log.lines.length;
    const { responses } = await exchange(
      server.url,
      Buffer.from(head(['GET /customers?id=a HTTP/2.0', 'Host: x', KEY])),
    );
    expect(responses.map((response) => response.status)).toEqual([505]);
    await vi.waitFor(() => expect(log.lines.slice(from).some((line) => line.message === 'request')).toBe(true));
    expect(log.lines.slice(from)).toEqual([expect.objectContaining({ message: 'request', status: 505 })]);
  });
});

describe('a body without Content-Type is decoded as strictly as JSON', () => {
  it('refuses bytes that are not UTF-8, even in a property the API ignores, and stores nothing', async () => {
    const id = newId('no-type');
    const body = Buffer.concat([Buffer.from(`{"id":"${id}","note":"caf`), Buffer.from([0xe9]), Buffer.from('"}')]);
    const before = await storedIds(dynamo);
    const request = head([
      'PUT /customers HTTP/1.1',
      'Host: x',
      'Connection: close',
      KEY,
      `Content-Length: ${body.length}`,
    ]);
    const { responses } = await exchange(server.url, Buffer.concat([Buffer.from(request), body]));
    expectApiError(responses[0], 400, /UTF-8/);
    expect(await storedIds(dynamo)).toEqual(before);
  });
});
