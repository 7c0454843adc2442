/**
 * The local server at the protocol level, as an outsider sees it: raw bytes on a socket, odd methods, framing and
 * encodings, names that are Object.prototype members, bytes that are not UTF-8, and bodies over the limit sent
 * by real clients (node:http, fetch, curl). Every answer is a complete HTTP response with a JSON `{message}` and a
 * status below 500; nothing refused reaches the table.
 */

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/request-handler.js';
import { MAX_URI_LENGTH } from '../../src/local/protocol-errors.js';
import { DRAIN_LIMIT_BYTES } from '../../src/local/request-body.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY } from '../../src/shared/config.js';
import { startTestServer } from '../helpers/local-server.js';
import { exchange, expectApiError } from '../helpers/raw-http.js';
import { emulatorClient, storedIds } from '../helpers/stored-ids.js';

const run = promisify(execFile);

let server: LocalServer;
let dynamo: DynamoDBClient;
const ran: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer();
  dynamo = emulatorClient(server);
});
afterAll(async () => {
  console.log(`raw protocol cases run: ${JSON.stringify(ran)}`);
  dynamo.destroy();
  await server.close();
});

/** The API key every operation needs: checked before the body's size, as API Gateway does. */
const KEY = { 'x-api-key': DEFAULT_LOCAL_API_KEY };
const KEY_LINE = `x-api-key: ${DEFAULT_LOCAL_API_KEY}`;

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe("what Node's HTTP layer would answer by itself is answered in the API's shape", () => {
  it.each([
    ['an unknown method', 'FOO /customers HTTP/1.1\r\nHost: x', 400, /: unknown method$/],
    ['an Expect other than 100-continue', 'GET /customers?id=a HTTP/1.1\r\nHost: x\r\nExpect: teapot', 417, /Expect/],
    ['an unsupported HTTP version', 'GET /customers?id=a HTTP/9.9\r\nHost: x', 505, /HTTP version not supported/],
    ['a header name with a space', 'GET /customers?id=a HTTP/1.1\r\nHo st: x', 400, /^Malformed HTTP request/],
    ['a raw byte that is not ASCII in the URL', 'GET /customers?id=\xff HTTP/1.1\r\nHost: x', 400, /Malformed/],
    [
      'both Content-Length and Transfer-Encoding',
      'PUT /customers HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked',
      400,
      /Malformed/,
    ],
    ['a bare line feed request', 'GET /customers?id=a HTTP/1.1\nHost: x\n', 400, /Malformed/],
    ['a request line with no version (HTTP/0.9)', 'GET /customers?id=a\r\nHost: x', 505, /HTTP version/],
    ['a URI just over the limit', `GET /customers?id=${'a'.repeat(MAX_URI_LENGTH)} HTTP/1.1\r\nHost: x`, 414, /URI/],
    ['a URI past what Node parses', `GET /customers?id=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: x`, 414, /URI/],
    [
      'headers past what Node parses',
      `GET /customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}`,
      431,
      /headers/,
    ],
  ])('%s', async (_, request, status, message) => {
    const { responses, rest } = await exchange(server.url, Buffer.from(head([request]), 'latin1'));
    expectApiError(responses[0], status, message);
    expect(rest).toBe('');
  });

  it('a TLS handshake sent to the plain-HTTP port is a 400 in the API shape', async () => {
    const { responses } = await exchange(server.url, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00]));
    expectApiError(responses[0], 400, /^Malformed HTTP request/);
  });

  it('Expect: 100-continue within the limit is granted, and the request then answered', async () => {
    const body = '{"id":"continued"}';
    const { responses } = await exchange(
      server.url,
      head([
        'PUT /customers HTTP/1.1',
        'Host: x',
        `x-api-key: ${DEFAULT_LOCAL_API_KEY}`,
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
        'Expect: 100-continue',
        'Connection: close',
      ]) + body,
    );
    expect(responses.map((response) => response.status)).toEqual([100, 200]);
  });

  it('Expect: 100-continue over the limit is refused with 413 before the body is sent', async () => {
    const { responses, closed } = await exchange(
      server.url,
      head([
        'PUT /customers HTTP/1.1',
        'Host: x',
        KEY_LINE,
        'Content-Type: application/json',
        `Content-Length: ${MAX_BODY_BYTES + 1}`,
        'Expect: 100-continue',
      ]),
    );
    expect(responses.map((response) => response.status)).toEqual([413]);
    expectApiError(responses[0], 413);
    expect(closed).toBe(true);
  });
});

describe('a body over the limit: every client can read the 413', () => {
  const sizes = [MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 1024 * 1024];

  it.each(sizes)('node:http, writing %i bytes in one go and streamed', async (size) => {
    const before = await storedIds(dynamo);
    const body = Buffer.alloc(size, 'x');
    for (const streamed of [false, true]) {
      const answer = await new Promise<{ status: number; text: string; error?: string }>((resolve) => {
        const request = httpRequest(
          `${server.url}/customers`,
          { method: 'PUT', headers: { ...KEY, 'content-type': 'application/json', 'content-length': size } },
          (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        // Any error at all (EPIPE, ECONNRESET) fails the test: the client must see the answer and nothing else.
        request.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, text: '', error: error.code }));
        if (!streamed) return void request.end(body);
        let offset = 0;
        const pump = () => {
          while (offset < body.length) {
            const more = request.write(body.subarray(offset, offset + 16 * 1024));
            offset += 16 * 1024;
            if (!more) return void request.once('drain', pump);
          }
          request.end();
        };
        pump();
      });
      expect(answer.error).toBeUndefined();
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toEqual({ message: expect.stringMatching(/^Request body is larger than/) });
    }
    expect(await storedIds(dynamo)).toEqual(before);
  });

  it.each(sizes)('fetch, sending %i bytes', async (size) => {
    const response = await fetch(`${server.url}/customers`, {
      method: 'PUT',
      headers: { ...KEY, 'content-type': 'application/json' },
      body: Buffer.alloc(size, 'x'),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: expect.stringMatching(/^Request body is larger than/) });
  });

  it.each(sizes)('fetch, streaming %i bytes without a Content-Length (chunked)', async (size) => {
    const chunk = Buffer.alloc(8 * 1024, 'x');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent < size; sent += chunk.length) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/customers`, {
      method: 'PUT',
      headers: { ...KEY, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: expect.stringMatching(/^Request body is larger than/) });
  });

  it.each(sizes)('curl, with and without Expect: 100-continue, sending %i bytes', async (size) => {
    const file = join(tmpdir(), `edge-413-${size}.json`);
    await writeFile(file, Buffer.alloc(size, 'x'));
    for (const expectHeader of ['Expect: 100-continue', 'Expect:']) {
      const { stdout } = await run('curl', [
        '--silent',
        '--show-error',
        '--request',
        'PUT',
        '--header',
        'Content-Type: application/json',
        '--header',
        expectHeader,
        '--header',
        KEY_LINE,
        '--data-binary',
        `@${file}`,
        '--write-out',
        '\n%{http_code}',
        `${server.url}/customers`,
      ]);
      const [text, status] = stdout.split('\n');
      expect(status).toBe('413');
      expect(JSON.parse(text ?? '')).toEqual({ message: expect.stringMatching(/^Request body is larger than/) });
    }
  });

  it('a raw socket that keeps sending gets the 413, then the connection closes once the body has been read', async () => {
    const size = MAX_BODY_BYTES + 64 * 1024;
    const { responses, closed } = await exchange(
      server.url,
      Buffer.concat([
        Buffer.from(head(['PUT /customers HTTP/1.1', 'Host: x', KEY_LINE, `Content-Length: ${size}`])),
        Buffer.alloc(size, 'x'),
      ]),
    );
    expect(responses.map((response) => response.status)).toEqual([413]);
    expect(closed).toBe(true);
  });

  it('a body past the drain bound is cut off, and the server keeps serving', async () => {
    const size = MAX_BODY_BYTES + DRAIN_LIMIT_BYTES + 2 * 1024 * 1024;
    await exchange(
      server.url,
      Buffer.concat([
        Buffer.from(head(['PUT /customers HTTP/1.1', 'Host: x', KEY_LINE, `Content-Length: ${size}`])),
        Buffer.alloc(size, 'x'),
      ]),
    );
    const after = await fetch(`${server.url}/customers?id=still-serving`, {
      headers: { 'x-api-key': DEFAULT_LOCAL_API_KEY },
    });
    expect(after.status).toBe(200);
  });
});

describe('generated raw requests', () => {
  const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
  const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
  const byteText = (maxLength: number) =>
    fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes).toString('latin1'));
  const percentEncoded = fc
    .uint8Array({ maxLength: 12 })
    .map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));
  const queryName = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'id', 'ID', 'id[]'), token, percentEncoded);
  const queryValue = fc.oneof(fc.constantFrom('a', '', 'cust-1', '%F0%9F%98%80', '+'), percentEncoded, token);
  const query = fc
    .array(fc.tuple(queryName, fc.option(queryValue)), { maxLength: 4 })
    .map((pairs) => pairs.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join('&'));
  const headerName = fc.oneof(
    fc.constantFrom(...PROTOTYPE_NAMES, 'Content-Encoding', 'Content-Type', 'Origin', 'Expect', 'X-Api-Key'),
    token,
  );
  const headerValue = fc.oneof(
    fc.constantFrom('gzip', 'identity', 'application/json', 'text/plain', 'application/json; charset=latin1', 'x'),
    // obs-text: bytes 0x80-0xff, which Node reads as Latin-1; some are UTF-8, most are not
    fc
      .uint8Array({ maxLength: 12 })
      .map((bytes) => Buffer.from(bytes.filter((b) => b >= 0x20 && b !== 0x7f)).toString('latin1')),
  );
  const jsonBody = fc.oneof(
    fc.string({ maxLength: 20 }).map((id) => JSON.stringify({ id })),
    fc
      .uint8Array({ maxLength: 12 })
      .map((bytes) =>
        Buffer.concat([
          Buffer.from('{"id":"r-'),
          Buffer.from(bytes.filter((b) => b >= 0x20 && b !== 0x22 && b !== 0x5c)),
          Buffer.from('"}'),
        ]).toString('latin1'),
      ),
    fc.constantFrom('{"id":"\\ud800"}', '{"__proto__":{"id":"p"}}', '{"constructor":1,"id":"ctor-ok"}', '', '{'),
    byteText(40),
  );
  const framing = fc.constantFrom('length', 'chunked', 'none', 'wrong-length');

  it('any method, target, headers, body and framing: a complete JSON answer below 500, and only accepted PUTs write', async () => {
    const before = await storedIds(dynamo);
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND', 'BREW', 'get'),
        fc.constantFrom(
          '/customers',
          '/customers/',
          '/Customers',
          '/',
          '/customers/%FF',
          '*',
          '//evil/customers',
          'http://elsewhere/customers',
        ),
        query,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
        jsonBody,
        framing,
        // the HTTP layer's own refusals: another version (505), Host missing or twice (400), past 100 headers (431)
        fc.record({
          version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0'),
          hosts: fc.constantFrom(1, 1, 1, 0, 2),
          filler: fc.constantFrom(0, 0, 0, 120),
        }),
        async (method, path, search, headers, body, frame, { version, hosts, filler }) => {
          ran.rawRequest = (ran.rawRequest ?? 0) + 1;
          const bytes = Buffer.from(body, 'latin1');
          const lines = [`${method} ${path}${search ? `?${search}` : ''} ${version}`];
          for (let i = 0; i < hosts; i++) lines.push(`Host: localhost${i > 0 ? i : ''}`);
          for (let i = 0; i < filler; i++) lines.push(`X-Filler-${i}: v`);
          for (const [name, value] of headers) {
            if (!/^(content-length|transfer-encoding|host|connection)$/i.test(name)) lines.push(`${name}: ${value}`);
          }
          lines.push('Connection: close');
          let payload = bytes;
          if (frame === 'length') lines.push(`Content-Length: ${bytes.length}`);
          if (frame === 'wrong-length') lines.push(`Content-Length: ${bytes.length + 3}`);
          if (frame === 'chunked') {
            lines.push('Transfer-Encoding: chunked');
            payload = Buffer.concat([
              Buffer.from(bytes.length > 0 ? `${bytes.length.toString(16)}\r\n` : ''),
              bytes,
              Buffer.from(bytes.length > 0 ? '\r\n0\r\n\r\n' : '0\r\n\r\n'),
            ]);
          }
          const { responses, rest } = await exchange(
            server.url,
            Buffer.concat([Buffer.from(head(lines), 'latin1'), payload]),
            frame === 'wrong-length' ? 300 : 1500,
          );
          if (frame === 'wrong-length' && responses.length === 0) return; // still waiting for 3 more bytes
          expect(rest, 'nothing but complete responses').toBe('');
          const answers = responses.filter((response) => response.status !== 100);
          expect(answers.length).toBeGreaterThanOrEqual(1);
          // the HTTP layer refuses these whatever else the request holds (which refusal comes first may vary)
          const refusedByHttpLayer =
            version === 'HTTP/2.0' || filler > 0 || hosts === 2 || (hosts === 0 && version === 'HTTP/1.1');
          if (refusedByHttpLayer) expect(answers.every((answer) => answer.status >= 400)).toBe(true);
          for (const response of answers) {
            // a version the server does not speak is its one 5xx: RFC 9110's 505
            if (response.status !== 505 || version !== 'HTTP/2.0') {
              expect(response.status, `${method} ${path}?${search}`).toBeLessThan(500);
            }
            if (response.status === 204) continue;
            expect(response.headers['content-type']).toMatch(/^application\/json/);
            const answer = JSON.parse(response.body) as { message?: unknown; customer?: { id: string } };
            if (response.status >= 400) expect(typeof answer.message).toBe('string');
            if (method === 'PUT' && response.status === 200 && answer.customer) accepted.add(answer.customer.id);
          }
        },
      ),
      { numRuns: 300 },
    );
    const added = [...(await storedIds(dynamo))].filter((id) => !before.has(id));
    expect(added.sort()).toEqual([...accepted].filter((id) => !before.has(id)).sort());
    // nothing stored carries a replacement character the client did not send as UTF-8 text
    expect(added.filter((id) => id.includes('\ufffd')).every((id) => accepted.has(id))).toBe(true);
  });

  it('percent-encoded query bytes: a value is read exactly as its UTF-8, or refused as not UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 16 }), async (bytes) => {
        ran.queryBytes = (ran.queryBytes ?? 0) + 1;
        const encoded = [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
        const { responses } = await exchange(
          server.url,
          head([
            `GET /customers?id=${encoded}&constructor=${encoded} HTTP/1.1`,
            'Host: x',
            `x-api-key: ${DEFAULT_LOCAL_API_KEY}`,
            'Connection: close',
          ]),
        );
        let text: string | undefined;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          text = undefined;
        }
        const [response] = responses;
        if (text === undefined) {
          expectApiError(response, 400, /is not valid UTF-8/);
        } else if (response?.status === 200) {
          expect(JSON.parse(response.body)).toEqual({ id: text, customerInDB: expect.any(Boolean) });
        } else {
          expectApiError(response, 400, /^Invalid request: query\.id /);
          expect(response?.body).not.toMatch(/UTF-8/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
