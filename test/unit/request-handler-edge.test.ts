/**
 * The Lambda handler at the edge of what clients send: names that are also Object.prototype members, bytes that are
 * not UTF-8, encoded bodies and bodies sent where none is taken. Events are built from JSON text, as the Lambda
 * runtime builds them, so a key such as `__proto__` is an own property like any other.
 */
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { createResponseFinisher } from '../../src/api/finish-response.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { createOperations } from '../../src/api/operations.js';
import { createRequestHandler } from '../../src/api/request-handler.js';
import { proxyEvent } from '../helpers/proxy-events.js';

function setup() {
  const store = new MemoryCustomerStore();
  const handler = createRequestHandler({
    // a contract of its own for each test: what it derives once per operation is derived in every test
    contract: new Contract(),
    operations: createOperations(store),
    finish: createResponseFinisher({ config: { corsAllowedOrigins: ['*'] }, logger: createLogger('silent') }),
  });
  return { handler, store };
}

/** The event as the Lambda runtime hands it over: parsed from JSON text. */
function asDelivered(event: APIGatewayProxyEvent): APIGatewayProxyEvent {
  return JSON.parse(JSON.stringify(event)) as APIGatewayProxyEvent;
}

/** An object with one extra own key, whatever the key (`__proto__` included), as JSON.parse makes it. */
function withKey<T>(base: Record<string, T>, key: string, value: T): Record<string, T> {
  return JSON.parse(
    JSON.stringify({ ...base, [key]: value }).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value)},`),
  );
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const anyName = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ minLength: 1, maxLength: 20 }));

function putBytes(bytes: Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return proxyEvent({ httpMethod: 'PUT', headers, body: bytes.toString('base64'), isBase64Encoded: true });
}

const body = (result: { body: string }) => JSON.parse(result.body) as { message: string; errors?: unknown[] };

describe('a name is only a name', () => {
  it.each(PROTOTYPE_NAMES)(
    'a query key, header and body property named %s are ignored like any unknown name',
    async (name) => {
      const { handler, store } = setup();
      const get = await handler(
        asDelivered({
          ...proxyEvent(),
          queryStringParameters: withKey({ id: 'known' }, name, 'x'),
          multiValueQueryStringParameters: withKey({ id: ['known'] }, name, ['x']),
          headers: withKey({ Host: 'h' }, name, 'x'),
          multiValueHeaders: withKey({ Host: ['h'] }, name, ['x']),
        }),
      );
      expect(get.statusCode).toBe(200);
      expect(JSON.parse(get.body)).toEqual({ id: 'known', customerInDB: false });
      const put = await handler(
        asDelivered({
          ...proxyEvent({ httpMethod: 'PUT' }),
          headers: withKey({ 'content-type': 'application/json' }, name, 'x'),
          body: `{${JSON.stringify(name)}: {"id": "smuggled"}, "id": "own-${name}"}`,
        }),
      );
      expect(put.statusCode).toBe(200);
      expect([...store.ids]).toEqual([`own-${name}`]);
    },
  );

  it('a body whose only id is under a prototype name has no id: 400, nothing stored', async () => {
    const { handler, store } = setup();
    for (const name of PROTOTYPE_NAMES) {
      const result = await handler(
        proxyEvent({ httpMethod: 'PUT', body: `{${JSON.stringify(name)}: {"id": "smuggled"}}` }),
      );
      expect(result.statusCode, name).toBe(400);
      expect(body(result).message).toBe('Invalid request: body.id is required');
    }
    expect(store.ids.size).toBe(0);
  });

  it('any extra names in query, headers and body change nothing about the answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(anyName, { maxLength: 4 }),
        fc.uniqueArray(anyName, { maxLength: 4 }),
        async (queryNames, headerNames) => {
          const { handler } = setup();
          const extra = (names: string[], value: unknown) =>
            Object.fromEntries(names.filter((n) => n.toLowerCase() !== 'id').map((n) => [n, value]));
          const event = proxyEvent({ queryStringParameters: { id: 'x' } });
          const text = JSON.stringify({
            ...event,
            queryStringParameters: { ...extra(queryNames, 'v'), id: 'x' },
            headers: {
              ...extra(
                headerNames.filter((n) => !/^(origin|content-)/i.test(n)),
                'v',
              ),
              Host: 'h',
            },
          });
          const result = await handler(JSON.parse(text));
          expect(result.statusCode).toBe(200);
          expect(JSON.parse(result.body)).toEqual({ id: 'x', customerInDB: false });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('text that is not UTF-8 is refused, never replaced', () => {
  it('a body with bytes that are not UTF-8 is a 400 that says so, and nothing is stored', async () => {
    const { handler, store } = setup();
    const bytes = Buffer.concat([Buffer.from('{"id":"a'), Buffer.from([0xff]), Buffer.from('b"}')]);
    const result = await handler(putBytes(bytes));
    expect(result.statusCode).toBe(400);
    expect(body(result)).toEqual({
      message: 'Invalid request: body is not valid UTF-8',
      errors: [{ location: 'body', message: 'is not valid UTF-8' }],
    });
    expect(store.ids.size).toBe(0);
  });

  it('any bytes in an id: stored exactly as their UTF-8 text, or refused with nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 12 }), async (raw) => {
        const { handler, store } = setup();
        // Quotes, backslashes and controls would make it invalid JSON, which is another test's subject.
        const idBytes = Buffer.from(raw.filter((byte) => byte >= 0x20 && byte !== 0x22 && byte !== 0x5c));
        const result = await handler(putBytes(Buffer.concat([Buffer.from('{"id":"'), idBytes, Buffer.from('"}')])));
        let text: string | undefined;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(idBytes);
        } catch {
          text = undefined;
        }
        if (text === undefined) {
          expect(result.statusCode).toBe(400);
          expect(body(result).message).toBe('Invalid request: body is not valid UTF-8');
          expect(store.ids.size).toBe(0);
        } else if (result.statusCode === 200) {
          expect([...store.ids]).toEqual([text]);
        } else {
          expect(result.statusCode).toBe(400);
          expect(store.ids.size).toBe(0);
        }
        expect([...store.ids].some((id) => id.includes('\ufffd') && !idBytes.includes(Buffer.from('\ufffd')))).toBe(
          false,
        );
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['a lone high surrogate', '\\ud800'],
    ['a lone low surrogate', '\\udfff'],
    ['a reversed pair', '\\udc00\\ud800'],
    ['a high surrogate before a letter', 'a\\ud83dx'],
  ])('an id with %s escaped in JSON is refused with a message that names it', async (_, escaped) => {
    const { handler, store } = setup();
    const result = await handler(proxyEvent({ httpMethod: 'PUT', body: `{"id":"${escaped}"}` }));
    expect(result.statusCode).toBe(400);
    expect(body(result).errors).toEqual([
      { location: 'body.id', message: 'must not contain unpaired UTF-16 surrogates' },
    ]);
    expect(store.ids.size).toBe(0);
  });

  it('a surrogate pair escaped in JSON is one character, and accepted', async () => {
    const { handler, store } = setup();
    const result = await handler(proxyEvent({ httpMethod: 'PUT', body: '{"id":"\\ud83d\\ude00"}' }));
    expect(result.statusCode).toBe(200);
    expect([...store.ids]).toEqual(['😀']);
  });

  it('a query id with a lone surrogate (as a gateway might pass it) is refused with a message that names it', async () => {
    const { handler } = setup();
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'a\ud800' } }));
    expect(result.statusCode).toBe(400);
    expect(body(result).errors).toEqual([
      { location: 'query.id', message: 'must not contain unpaired UTF-16 surrogates' },
    ]);
  });

  it('a body declared in another charset is a 415', async () => {
    const { handler, store } = setup();
    const result = await handler(
      putBytes(Buffer.from('{"id":"m\xfcller"}', 'latin1'), { 'content-type': 'application/json; charset=ISO-8859-1' }),
    );
    expect(result.statusCode).toBe(415);
    expect(store.ids.size).toBe(0);
    const utf8 = await handler(
      putBytes(Buffer.from('{"id":"müller"}'), { 'content-type': 'application/json; charset="UTF-8"' }),
    );
    expect(utf8.statusCode).toBe(200);
  });
});

describe('encodings and bodies the API does not take', () => {
  it.each(['gzip', 'br', 'deflate', 'GZIP', 'gzip, identity', 'x-unknown'])(
    'a PUT body with Content-Encoding %s is a 415, and nothing is stored',
    async (encoding) => {
      const { handler, store } = setup();
      const compressed = gzipSync('{"id":"zipped"}');
      for (const bytes of [compressed, Buffer.from('{"id":"plain"}')]) {
        const result = await handler(
          putBytes(bytes, { 'content-type': 'application/json', 'content-encoding': encoding }),
        );
        expect(result.statusCode).toBe(415);
        expect(body(result).message).toMatch(/^Unsupported Content-Encoding .+: send the body uncompressed$/);
      }
      expect(store.ids.size).toBe(0);
    },
  );

  it('Content-Encoding identity is a plain body', async () => {
    const { handler, store } = setup();
    const result = await handler(
      putBytes(Buffer.from('{"id":"plain"}'), { 'content-type': 'application/json', 'Content-Encoding': 'identity' }),
    );
    expect(result.statusCode).toBe(200);
    expect([...store.ids]).toEqual(['plain']);
  });

  it('a GET ignores any body, whatever its bytes, type or encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.option(fc.constantFrom('gzip', 'br', 'identity')),
        fc.option(fc.constantFrom('text/plain', 'application/json; charset=latin1', 'image/png')),
        async (bytes, encoding, type) => {
          const { handler } = setup();
          const headers: Record<string, string> = { Host: 'h' };
          if (encoding) headers['Content-Encoding'] = encoding;
          if (type) headers['Content-Type'] = type;
          const result = await handler(
            proxyEvent({
              queryStringParameters: { id: 'x' },
              headers,
              body: Buffer.from(bytes).toString('base64'),
              isBase64Encoded: true,
            }),
          );
          expect(result.statusCode).toBe(200);
          expect(JSON.parse(result.body)).toEqual({ id: 'x', customerInDB: false });
        },
      ),
      { numRuns: 100 },
    );
  });
});
