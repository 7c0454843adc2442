/**
 * The spec's examples pair up, for every operation that has content:
 * - named request examples pair with the 200 examples of the same name (issue 19): example-driven tools (Specmatic,
 *   Schemathesis' examples phase) send a request example and expect the response example named alike, so each name
 *   must be on both sides and describe the same id;
 * - every response example has the request that produces it (test/helpers/example-requests.ts), and every request
 *   there has its example: test/integration/spec-examples-answered.test.ts sends them.
 */
import { describe, expect, it } from 'vitest';
import type { OperationId } from '../../src/api/operations.js';
import { EXAMPLE_REQUESTS, examplePairs } from '../helpers/example-requests.js';
import { parameterExamples, requestBodyExamples, responseExamples, specOperations } from '../helpers/spec-examples.js';

/** Each operation's response examples as `operationId status name`. */
function documentedExamples(): string[] {
  return specOperations().flatMap((operation) =>
    Object.entries(operation.responses)
      .filter(([, response]) => response.content?.['application/json'])
      .flatMap(([status]) =>
        responseExamples(operation.operationId as OperationId, Number(status)).map(
          (example) => `${operation.operationId} ${status} ${example.name}`,
        ),
      ),
  );
}

describe('the spec’s named examples', () => {
  const operations = specOperations();

  it.each(operations.map((operation) => [operation.operationId]))(
    '%s: every request example has a 200 example of the same name, for the same id, and back',
    (operationId) => {
      const operation = operations.find((candidate) => candidate.operationId === operationId);
      const requests = [
        ...(operation?.parameters ?? [])
          .filter((parameter) => parameter.examples)
          .flatMap((parameter) =>
            parameterExamples(operationId as OperationId, parameter.name).map((example) => ({
              ...example,
              expected: { [parameter.name]: example.value },
            })),
          ),
        ...(operation?.requestBody?.content['application/json']
          ? requestBodyExamples(operationId as OperationId).map((example) => ({
              ...example,
              expected: { customer: example.value },
            }))
          : []),
      ];
      if (requests.length === 0) return;
      const responses = responseExamples(operationId as OperationId, 200);
      expect(requests.map((example) => example.name).sort()).toEqual(responses.map((example) => example.name).sort());
      for (const request of requests) {
        const response = responses.find((example) => example.name === request.name);
        expect(response?.value, request.name).toMatchObject(request.expected);
      }
    },
  );

  it('every response example of every operation has the request that produces it, and every request its example', () => {
    const documented = documentedExamples();
    const paired = examplePairs().map(([operationId, status, name]) => `${operationId} ${status} ${name}`);

    expect(documented.length, 'the spec documents examples').toBeGreaterThan(20);
    expect(
      documented.filter((example) => !paired.includes(example)),
      'examples without a request in test/helpers/example-requests.ts',
    ).toEqual([]);
    expect(
      paired.filter((example) => !documented.includes(example)),
      'requests without an example in the spec',
    ).toEqual([]);
    expect(Object.keys(EXAMPLE_REQUESTS).sort()).toEqual(operations.map((operation) => operation.operationId).sort());
  });
});
