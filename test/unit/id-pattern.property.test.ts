/**
 * The spec's id `pattern` means the same in every ECMA-262 validator: with the `u` flag (ajv, openapi-backend) and
 * without it (Portman, Spectral's example check, many code generators). Checked on generated strings of any UTF-16
 * code units (lone surrogates, pairs, astral characters, whitespace, controls) against the id rule written plainly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../src/generated/openapi-document.js';

interface IdSchema {
  readonly pattern: string;
}
const customerId = (openapiDocument as unknown as { components: { schemas: { CustomerId: IdSchema } } }).components
  .schemas.CustomerId;

/**
 * The pattern as it was before it was made portable (right only with the `u` flag), U+FFFD excluded as since 2.0.0.
 * Kept as a second oracle.
 */
const UNICODE_ONLY_PATTERN = '^[^\\s\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufffd]+$';

/**
 * The id rule of the spec, by code point: no whitespace, no C0/DEL/C1 control, no unpaired surrogate, no U+FFFD (the
 * replacement character: what a decoder writes over bytes it could not read), not empty.
 */
function isValidIdCharacters(id: string): boolean {
  if (id.length === 0) return false;
  for (const character of id) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (/\s/u.test(character)) return false;
    if (codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f)) return false;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false; // a surrogate on its own, not half of a pair
    if (codePoint === 0xfffd) return false;
  }
  return true;
}

const withoutU = new RegExp(customerId.pattern);
const withU = new RegExp(customerId.pattern, 'u');
const unicodeOnly = new RegExp(UNICODE_ONLY_PATTERN, 'u');

/** One UTF-16 piece of an id: any code point, any code unit (a surrogate too), or a character the rule is about. */
const piece = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
  fc.constantFrom(
    ' ',
    '\t',
    '\n',
    '\u00a0',
    '\u2028',
    '\u3000',
    '\ufeff',
    '\u0000',
    '\u007f',
    '\u0085',
    '\u009f',
    '\ufffd',
  ),
);
const ids = fc.string({ unit: piece, maxLength: 12 });

describe('the id pattern of the spec', () => {
  it('accepts and refuses exactly the same ids with and without the u flag, as the id rule says', () => {
    fc.assert(
      fc.property(ids, (id) => {
        const expected = isValidIdCharacters(id);
        expect(withU.test(id), 'with u').toBe(expected);
        expect(withoutU.test(id), 'without u').toBe(expected);
        expect(unicodeOnly.test(id), 'the former pattern with u').toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['cust-4f9a2c', true],
    ['müller-αβγ-😀', true],
    ['😀', true],
    ['\u{10ffff}', true],
    ['\ufffc\ufffe\uffff', true],
    ['caf\ufffd', false],
    ['\ufffd', false],
    ['a b', false],
    ['\ud83d', false],
    ['\ude00x', false],
    ['x\ud83d', false],
    ['\ude00\ud83d', false],
    ['', false],
  ])('%j: %s with and without the u flag', (id, valid) => {
    expect(withU.test(id)).toBe(valid);
    expect(withoutU.test(id)).toBe(valid);
  });

  it('was not portable before: the former pattern without u refuses an emoji id (so the test above can fail)', () => {
    expect(new RegExp(UNICODE_ONLY_PATTERN).test('😀')).toBe(false);
  });
});
