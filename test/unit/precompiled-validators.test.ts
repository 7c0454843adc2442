import { Ajv } from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import { Contract } from '../../src/api/contract.js';
import { MissingPrecompiledValidatorError, usePrecompiledValidators } from '../../src/api/precompiled-validators.js';
import { proxyEvent } from '../helpers/proxy-events.js';
import { specMethods } from '../helpers/spec-methods.js';

const precompiled = new Contract();
const compiledNow = new Contract(undefined, { precompiled: false });

const queries: Record<string, string>[] = [
  { id: 'cust-4f9a2c' },
  { id: 'müller-😀' },
  { id: '😀'.repeat(512) },
  { id: '😀'.repeat(513) },
  { id: '' },
  { id: 'a b' },
  { id: 'a\tb' },
  { id: 'a\u0085b' },
  { id: 'a\ud800b' },
  {},
];
const bodies: (string | undefined)[] = [
  '{"id": "cust-4f9a2c"}',
  '{"id": "cust", "extra": true}',
  '{"id": 5}',
  '{"id": null}',
  '{"id": ""}',
  '{"id": "a b"}',
  '{}',
  '[]',
  '"abc"',
  'null',
  undefined,
];

describe('precompiled request validators', () => {
  it('accept and refuse exactly what ajv compiling the spec now does, with the same errors', () => {
    for (const [method, inputs] of [
      ['GET', queries.map((query) => ({ query, body: undefined }))],
      ['PUT', bodies.map((body) => ({ query: {}, body }))],
    ] as const) {
      const operationFor = (contract: Contract) => contract.match(method, '/customers');
      for (const { query, body } of inputs) {
        const event = proxyEvent({
          httpMethod: method,
          queryStringParameters: query,
          headers: { 'Content-Type': 'application/json' },
          body: body ?? null,
        });
        const parsed = body === undefined ? undefined : { value: JSON.parse(body) };
        const expected = compiledNow.validate(operationFor(compiledNow) as never, event, parsed);
        const actual = precompiled.validate(operationFor(precompiled) as never, event, parsed);
        expect(actual, `${method} ${JSON.stringify({ query, body })}`).toEqual(expected);
      }
    }
  });

  it('make answering requests compile nothing', () => {
    const compile = vi.spyOn(Ajv.prototype, 'compile');
    try {
      const contract = new Contract();
      for (const method of specMethods('/customers')) {
        const operation = contract.match(method, '/customers');
        const event = proxyEvent({ httpMethod: method, queryStringParameters: { id: 'x' }, body: '{"id": "x"}' });
        contract.validate(operation as never, event, { value: { id: 'x' } });
      }
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });

  it('fail loudly for a schema the build did not see (a stale build)', () => {
    const ajv = usePrecompiledValidators(new Ajv(), {}, 'paramsValidator');
    expect(() => ajv.compile({ type: 'object', title: 'not in the spec' })).toThrow(MissingPrecompiledValidatorError);
  });
});
