/**
 * The OpenAPI document as the infrastructure reads it: plain JSON, its operations path by path, a path as an
 * execute-api ARN has it, and the JSON pointers that name a place in it.
 */
import { HTTP_METHODS, type HttpMethod } from '../src/shared/http-methods.js';

/** A plain JSON value, as the document is. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Whether a path item's key is an operation's method (not `parameters`, `summary`, an extension…). */
export function isHttpMethod(key: string): key is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(key);
}

/** One operation of a document: its path, its method and the operation object itself (live, to read or change). */
export interface OperationEntry {
  readonly path: string;
  readonly method: HttpMethod;
  readonly operation: JsonObject;
}

/** Every operation of an OpenAPI document (raw or dereferenced), path by path. */
export function operationsOf(document: object): OperationEntry[] {
  const paths = ((document as JsonObject).paths ?? {}) as Record<string, JsonObject>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([key]) => isHttpMethod(key))
      .map(([method, operation]) => ({
        path,
        method: method as HttpMethod,
        operation: operation as JsonObject,
      })),
  );
}

/** A spec path as an execute-api ARN has it, the request's actual path: a templated segment (`{id}`) matches any value. */
export function executeApiPath(path: string): string {
  return path.replace(/\{[^}]+\}/g, '*');
}

/** A JSON-pointer segment (RFC 6901). */
export function pointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The object with each value mapped, keys in the same order. */
export function mapValues(object: JsonObject, map: (value: Json, key: string) => Json): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value, key)]));
}
