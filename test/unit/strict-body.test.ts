/**
 * What the body parser refuses that JSON.parse alone would guess at (issue 19): a key an object repeats, a leading
 * byte order mark, an id carrying U+FFFD; and the UTF-8 decoder keeps a BOM instead of dropping it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { Contract } from '../../src/api/contract.js';
import { repeatedKey } from '../../src/api/duplicate-keys.js';
import { BadRequestError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { parseJson } from '../../src/api/request-handler.js';
import { decodeUtf8 } from '../../src/api/utf8.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { captureLogLines } from '../helpers/log-lines.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';

function setup() {
  const store = new MemoryCustomerStore();
  captureLogLines();
  const handler = createApiHandler({
    contract: new Contract(),
    store,
    config: { ...readHandlerConfig({}), corsAllowedOrigins: ['*'] },
    logger: createLogger('info'),
  });
  return { handler, store };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('repeatedKey', () => {
  it.each([
    ['{"id":"a","id":"b"}', 'id'],
    ['{"id":"a","\\u0069d":"b"}', 'id'],
    ['{"x":{"k":1,"k":2},"id":"a"}', 'k'],
    ['[{"a":1},{"b":[{"c":1,"c":2}]}]', 'c'],
    ['{"a\\"b":1, "a\\"b" : 2}', 'a"b'],
    ['{"":1,"":2}', ''],
  ])('finds the key %s repeats: %j', (json, key) => {
    expect(repeatedKey(json)).toBe(key);
  });

  it.each([
    '{"id":"a"}',
    '{"id":"a:b:c"}',
    '{"id":"a","name":"id"}',
    '{"a":{"id":1},"id":2}',
    '[{"id":1},{"id":2}]',
    '{"a":"x,\\"a\\":1"}',
    '{"id":"a","ID":"b"}',
    '"a:b"',
    '5',
  ])('finds none in %s', (json) => {
    expect(repeatedKey(json)).toBeUndefined();
  });

  it('agrees with a parse that counts keys, on any JSON', () => {
    const withRepeats = fc.jsonValue().map((value) => JSON.stringify(value));
    fc.assert(
      fc.property(withRepeats, fc.boolean(), (json, repeat) => {
        const text = repeat && json.startsWith('{"') ? json.replace(/^\{("(?:[^"\\]|\\.)*":)/, '{$1 0, $1') : json;
        const keysRepeat = text !== json;
        expect(repeatedKey(text) !== undefined).toBe(keysRepeat);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('parseJson', () => {
  it('parses a body with distinct keys', () => {
    expect(parseJson('{"id":"a","name":"b"}')).toEqual({ value: { id: 'a', name: 'b' } });
  });

  it.each([
    ['a repeated key', '{"id":"a","id":"b"}', 'must not repeat the key "id"'],
    ['a leading byte order mark', '\ufeff{"id":"a"}', 'must not start with a byte order mark'],
    ['malformed JSON', '{"id":', 'is not valid JSON'],
  ])('refuses %s with a 400 naming the body', (_, text, message) => {
    let thrown: unknown;
    try {
      parseJson(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as BadRequestError).details).toEqual([{ location: 'body', message }]);
  });

  it('quotes at most 64 characters of a long repeated key', () => {
    const key = 'k'.repeat(500);
    expect(() => parseJson(`{"${key}":1,"${key}":2}`)).toThrow(`must not repeat the key "${'k'.repeat(64)}…"`);
  });

  it('quotes a repeated key of exactly 64 characters whole, and one of 65 cut', () => {
    const whole = 'w'.repeat(64);
    expect(() => parseJson(`{"${whole}":1,"${whole}":2}`)).toThrow(`must not repeat the key "${whole}"`);
    const cut = 'c'.repeat(65);
    expect(() => parseJson(`{"${cut}":1,"${cut}":2}`)).toThrow(`must not repeat the key "${'c'.repeat(64)}…"`);
  });
});

describe('decodeUtf8', () => {
  it('keeps a leading byte order mark instead of dropping it', () => {
    expect(decodeUtf8(Buffer.concat([BOM, Buffer.from('abc')]), 'query.id')).toBe('\ufeffabc');
  });
});

describe('the request handler, strict about the body', () => {
  it.each([
    ['a repeated id', '{"id":"a","id":"b"}', 'body must not repeat the key "id"'],
    ['a repeated key beside the id', '{"id":"a","x":1,"x":2}', 'body must not repeat the key "x"'],
    ['a byte order mark before the JSON', '\ufeff{"id":"a"}', 'body must not start with a byte order mark'],
  ])('refuses %s with 400 {message, errors} and stores nothing', async (_, text, message) => {
    const { handler, store } = setup();
    for (const event of [
      putEvent(text),
      { ...putEvent(Buffer.from(text).toString('base64')), isBase64Encoded: true },
    ]) {
      const result = await handler(event);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body)).toMatchObject({ message: `Invalid request: ${message}` });
    }
    expect([...store.ids]).toEqual([]);
  });

  it('refuses BOM bytes before a base64-encoded body, which the decoder used to drop', async () => {
    const { handler, store } = setup();
    const body = Buffer.concat([BOM, Buffer.from('{"id":"a"}')]).toString('base64');
    const result = await handler({ ...putEvent(body), isBase64Encoded: true });
    expect(result.statusCode).toBe(400);
    expect([...store.ids]).toEqual([]);
  });

  it.each([
    ['a text body (API Gateway wrote U+FFFD over bytes that were not UTF-8)', 'application/json'],
    ['a text body without Content-Type', undefined],
  ])('refuses an id carrying U+FFFD in %s', async (_, contentType) => {
    const { handler, store } = setup();
    const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
    const result = await handler(putEvent('{"id":"caf\ufffd"}', headers));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).errors).toEqual([
      { location: 'body.id', message: 'must not contain whitespace, control characters or U+FFFD' },
    ]);
    expect([...store.ids]).toEqual([]);
  });

  it('refuses a query id carrying U+FFFD', async () => {
    const { handler } = setup();
    const result = await handler(proxyEvent({ queryStringParameters: { id: 'caf\ufffd' } }));
    expect(result.statusCode).toBe(400);
  });
});
