/**
 * src/api/validation-errors.ts on its own: each kind of ajv error as the API words it, and where it says the problem is.
 * The errors are ajv's own, from validating with the real ajv, except where only a hand-made one reaches a branch.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { toErrorDetails } from '../../src/api/validation-errors.js';

/** ajv's errors for `data` against `schema`, as openapi-backend's validators report them (verbose, all errors). */
function ajvErrors(schema: object, data: unknown): ErrorObject[] {
  const validate = new Ajv({ verbose: true, allErrors: true, strict: false }).compile(schema);
  validate(data);
  return validate.errors ?? [];
}

/** One error under `requestBody`, as openapi-backend nests the body in its validators' input. */
const body = (schema: object, value: unknown) =>
  toErrorDetails(ajvErrors({ type: 'object', properties: { requestBody: schema } }, { requestBody: value }));

describe('toErrorDetails', () => {
  it.each([
    ['string', 'must be a string'],
    ['object', 'must be an object'],
    ['integer', 'must be an integer'],
    ['array', 'must be an array'],
    ['boolean', 'must be a boolean'],
  ])('words a type error with the right article: %s', (type, message) => {
    expect(body({ type }, type === 'string' ? 5 : 'x')).toEqual([{ location: 'body', message }]);
  });

  it('names a missing property where it was expected, under the part of the request', () => {
    expect(body({ type: 'object', required: ['id'] }, {})).toEqual([{ location: 'body.id', message: 'is required' }]);
    expect(toErrorDetails(ajvErrors({ type: 'object', required: ['requestBody'] }, {}))).toEqual([
      { location: 'body', message: 'is required' },
    ]);
  });

  it('names the query, header and path parts as the client knows them', () => {
    const schema = {
      type: 'object',
      properties: {
        query: { type: 'object', properties: { id: { type: 'string' } } },
        header: { type: 'object', properties: { 'x-a': { type: 'string' } } },
        path: { type: 'object', properties: { id: { type: 'string' } } },
        cookie: { type: 'object', properties: { s: { type: 'string' } } },
      },
    };
    const details = toErrorDetails(
      ajvErrors(schema, { query: { id: 1 }, header: { 'x-a': 1 }, path: { id: 1 }, cookie: { s: 1 } }),
    );
    expect(details.map((detail) => detail.location)).toEqual(['query.id', 'header.x-a', 'path.id', 'cookie.s']);
  });

  it('unescapes JSON pointer segments (~1 is /, ~0 is ~)', () => {
    const details = body({ type: 'object', properties: { 'a/b~c': { type: 'string' } } }, { 'a/b~c': 1 });
    expect(details).toEqual([{ location: 'body.a/b~c', message: 'must be a string' }]);
  });

  it('calls an error at the root of what was validated the request', () => {
    expect(toErrorDetails(ajvErrors({ type: 'object' }, 5))).toEqual([
      { location: 'request', message: 'must be an object' },
    ]);
  });

  it('says "must not be empty" for a minimum of one character, and the limit otherwise', () => {
    expect(body({ type: 'string', minLength: 1 }, '')).toEqual([{ location: 'body', message: 'must not be empty' }]);
    expect(body({ type: 'string', minLength: 3 }, 'ab')).toEqual([
      { location: 'body', message: 'must be at least 3 characters' },
    ]);
    expect(body({ type: 'string', maxLength: 2 }, 'abc')).toEqual([
      { location: 'body', message: 'must be at most 2 characters' },
    ]);
  });

  it('explains a pattern with the schema’s x-pattern-message, or shows the pattern', () => {
    expect(body({ type: 'string', pattern: '^a$', 'x-pattern-message': 'must be the letter a' }, 'b')).toEqual([
      { location: 'body', message: 'must be the letter a' },
    ]);
    expect(body({ type: 'string', pattern: '^a$' }, 'b')).toEqual([
      { location: 'body', message: 'must match the pattern ^a$' },
    ]);
    expect(body({ type: 'string', pattern: '^a$', 'x-pattern-message': 42 }, 'b')).toEqual([
      { location: 'body', message: 'must match the pattern ^a$' },
    ]);
  });

  it('names an unpaired surrogate, which only a JSON escape can send, whatever the pattern says', () => {
    const schema = { type: 'string', pattern: '^[a-z]+$', 'x-pattern-message': 'must be letters' };
    expect(body(schema, 'ab\ud800')).toEqual([
      { location: 'body', message: 'must not contain unpaired UTF-16 surrogates' },
    ]);
    // a surrogate pair is a character, not a lone surrogate
    expect(body(schema, 'ab😀')).toEqual([{ location: 'body', message: 'must be letters' }]);
  });

  it('shows the pattern of an error that carries no schema (ajv without verbose)', () => {
    const bare: ErrorObject = {
      keyword: 'pattern',
      instancePath: '/requestBody',
      schemaPath: '#',
      params: { pattern: '^a$' },
      data: 'b',
    };
    expect(toErrorDetails([bare])).toEqual([{ location: 'body', message: 'must match the pattern ^a$' }]);
  });

  it('lists the allowed values of an enum as JSON', () => {
    expect(body({ enum: ['a', 1, null] }, 'b')).toEqual([{ location: 'body', message: 'must be one of "a", 1, null' }]);
  });

  it('keeps ajv’s own message for other keywords, and says "is invalid" when there is none', () => {
    expect(body({ type: 'integer', minimum: 3 }, 2)).toEqual([{ location: 'body', message: 'must be >= 3' }]);
    const bare: ErrorObject = { keyword: 'custom', instancePath: '/requestBody', schemaPath: '#', params: {} };
    expect(toErrorDetails([bare])).toEqual([{ location: 'body', message: 'is invalid' }]);
  });

  it('keeps every error, in order', () => {
    const details = body(
      { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' } } },
      { id: 5 },
    );
    expect(details).toEqual([
      { location: 'body.name', message: 'is required' },
      { location: 'body.id', message: 'must be a string' },
    ]);
  });
});
