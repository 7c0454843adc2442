/**
 * The examples openapi/openapi.yaml documents, read from the generated (dereferenced) document, so tests compare
 * against what the spec says rather than against copies.
 */

import type { OperationId } from '../../src/api/operations.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { HTTP_METHODS } from '../../src/shared/http-methods.js';

export interface NamedExample {
  /** The key under `examples`, or `example` for a single `example`. */
  readonly name: string;
  readonly summary?: string;
  readonly value: unknown;
}

export interface MediaType {
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
export interface Operation {
  operationId: string;
  method: string;
  path: string;
  parameters?: { name: string; in: string; required?: boolean; example?: unknown; examples?: MediaType['examples'] }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

/** Every operation in the spec (or in `document`, a dereferenced copy of it), with its method and path. */
export function specOperations(document: object = openapiDocument): Operation[] {
  const paths = (document as { paths: Record<string, Record<string, Operation>> }).paths;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => (HTTP_METHODS as readonly string[]).includes(method))
      .map(([method, operation]) => ({ ...operation, method: method.toUpperCase(), path })),
  );
}

export function specOperation(operationId: OperationId): Operation {
  const operation = specOperations().find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`No operation ${operationId} in the spec`);
  return operation;
}

/** The JSON examples of one response, in document order (Prism serves the first). */
export function responseExamples(operationId: OperationId, status: number): NamedExample[] {
  const content = specOperation(operationId).responses[String(status)]?.content?.['application/json'];
  if (!content) throw new Error(`${operationId} documents no JSON ${status} response`);
  return namedExamples(content);
}

export function requestBodyExamples(operationId: OperationId): NamedExample[] {
  const content = specOperation(operationId).requestBody?.content['application/json'];
  if (!content) throw new Error(`${operationId} has no JSON request body`);
  return namedExamples(content);
}

export function parameterExamples(operationId: OperationId, name: string): NamedExample[] {
  const parameter = specOperation(operationId).parameters?.find((candidate) => candidate.name === name);
  if (!parameter) throw new Error(`${operationId} has no parameter ${name}`);
  return namedExamples(parameter);
}

export function namedExamples(media: MediaType): NamedExample[] {
  if (media.examples) {
    return Object.entries(media.examples).map(([name, example]) => ({
      name,
      ...(example.summary === undefined ? {} : { summary: example.summary }),
      value: example.value,
    }));
  }
  return media.example === undefined ? [] : [{ name: 'example', value: media.example }];
}

/** A request the spec documents as valid, from its examples. */
export interface ExampleRequest {
  readonly method: string;
  /** With the query: each required parameter's first example. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * A valid request for the operation, built from the spec's own examples: the first example of each required
 * parameter (in the path or the query) and of its JSON body, if it takes one.
 */
export function exampleRequest(operationId: OperationId): ExampleRequest {
  const operation = specOperation(operationId);
  let path = operation.path;
  const query = new URLSearchParams();
  for (const parameter of operation.parameters ?? []) {
    if (!parameter.required) continue;
    const [example] = namedExamples(parameter);
    if (!example) throw new Error(`${operationId}: required parameter ${parameter.name} has no example`);
    if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(example.value)));
    else if (parameter.in === 'query') query.set(parameter.name, String(example.value));
  }
  const withQuery = query.size > 0 ? `${path}?${query.toString().replaceAll('+', '%20')}` : path;
  const content = operation.requestBody?.content['application/json'];
  if (!content) return { method: operation.method, path: withQuery };
  const [body] = namedExamples(content);
  if (!body) throw new Error(`${operationId} has no request body example`);
  return {
    method: operation.method,
    path: withQuery,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body.value),
  };
}
