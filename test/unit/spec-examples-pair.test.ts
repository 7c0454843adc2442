/**
 * Named request examples pair with the success examples of the same name (issue 19): example-driven tools (Specmatic,
 * Schemathesis' examples phase) send a request example and expect the response example named alike, so each name
 * must be on both sides and describe the same values. Every operation of the spec whose success answer has content.
 */
import { describe, expect, it } from 'vitest';
import type { OperationId } from '../../src/api/operations.js';
import {
  type NamedExample,
  parameterExamples,
  requestBodyExamples,
  responseExamples,
  specOperations,
} from '../helpers/spec-examples.js';

/** Whether `value`, or an object anywhere inside it, has every property of `expected` with the same value. */
function holds(value: unknown, expected: Record<string, unknown>): boolean {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (Object.entries(expected).every(([name, item]) => JSON.stringify(record[name]) === JSON.stringify(item)))
    return true;
  return Object.values(record).some((inner) => holds(inner, expected));
}

/** Each operation with named request examples (its parameters' or its body's) and its first 2xx with content. */
const pairs = specOperations().flatMap((operation) => {
  const operationId = operation.operationId as OperationId;
  const success = Object.keys(operation.responses).find(
    (status) => /^2\d\d$/.test(status) && operation.responses[status]?.content?.['application/json'],
  );
  if (!success) return [];
  const requests: { what: string; examples: NamedExample[]; expected: (value: unknown) => Record<string, unknown> }[] =
    [
      ...(operation.parameters ?? [])
        .filter((parameter) => parameter.examples)
        .map((parameter) => ({
          what: `${parameter.name} example`,
          examples: parameterExamples(operationId, parameter.name),
          expected: (value: unknown) => ({ [parameter.name]: value }),
        })),
      ...(operation.requestBody?.content['application/json']
        ? [
            {
              what: 'body example',
              examples: requestBodyExamples(operationId),
              expected: (value: unknown) => value as Record<string, unknown>,
            },
          ]
        : []),
    ];
  return requests.map((request) => ({ operationId, status: Number(success), ...request }));
});

describe('the spec’s named examples', () => {
  it('pair for every operation whose success answer has content', () => {
    const withContent = specOperations().filter((operation) =>
      Object.entries(operation.responses).some(([status, response]) => /^2/.test(status) && response.content),
    );
    expect(new Set(pairs.map((pair) => pair.operationId))).toEqual(
      new Set(withContent.map((operation) => operation.operationId)),
    );
  });

  it.each(pairs.map((pair) => [`${pair.operationId}: every ${pair.what}`, pair] as const))(
    '%s has a success example of the same name, with the same values, and back',
    (_name, { operationId, status, examples, expected }) => {
      const responses = responseExamples(operationId, status);
      expect(examples.map((example) => example.name).sort()).toEqual(responses.map((example) => example.name).sort());
      for (const request of examples) {
        const response = responses.find((example) => example.name === request.name);
        expect(holds(response?.value, expected(request.value)), request.name).toBe(true);
      }
    },
  );
});
