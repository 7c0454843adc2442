/**
 * `checkCustomerId` (src/client/validators.ts), the client package's form check, says what the API says: for any
 * value, its entries are the `errors` of the API's own answer to `PUT /customers {"id": value}` (the Lambda's
 * handler, its contract and validators), and `[]` exactly when the API stores the id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { Contract } from '../../src/api/contract.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { checkCustomerId } from '../../src/client/validators.js';
import { readHandlerConfig } from '../../src/shared/config.js';

import { putEvent } from '../helpers/proxy-events.js';

const handler = createApiHandler({
  contract: new Contract(),
  store: new MemoryCustomerStore(),
  config: readHandlerConfig({}),
  logger: createLogger('silent'),
});

/** The API's answer to the id in a PUT body: its `errors` on a 400, `[]` on a 200. */
async function apiVerdict(id: unknown): Promise<unknown> {
  const result = await handler(putEvent(JSON.stringify({ id })));
  if (result.statusCode === 200) return [];
  expect(result.statusCode).toBe(400);
  return JSON.parse(result.body).errors;
}

describe('checkCustomerId', () => {
  it.each([
    ['cust-4f9a2c', []],
    ['müller-αβγ-😀', []],
    ['', [{ location: 'body.id', message: 'must not be empty' }]],
    ['a b', [{ location: 'body.id', message: 'must not contain whitespace, control characters or U+FFFD' }]],
    ['caf\ufffd', [{ location: 'body.id', message: 'must not contain whitespace, control characters or U+FFFD' }]],
    ['a\ud800', [{ location: 'body.id', message: 'must not contain unpaired UTF-16 surrogates' }]],
    ['x'.repeat(513), [{ location: 'body.id', message: 'must be at most 512 characters' }]],
    ['😀'.repeat(512), []],
    [42, [{ location: 'body.id', message: 'must be a string' }]],
    [undefined, [{ location: 'body.id', message: 'is required' }]],
  ])('answers %j with the API’s entries %j', async (id, expected) => {
    expect(checkCustomerId(id)).toEqual(expected);
    expect(await apiVerdict(id)).toEqual(expected);
  });

  it('agrees with the API’s answer on any string, short or long, of any characters', async () => {
    const ids = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: 'grapheme', minLength: 500, maxLength: 520 }),
      fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\u0085', '\ufffd', '\ud83d', '\ude00', 'é'), maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        expect(checkCustomerId(id)).toEqual(await apiVerdict(id));
      }),
      { numRuns: 150 },
    );
  });
});
