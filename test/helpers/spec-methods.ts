/**
 * The methods openapi/openapi.yaml documents on a path, read from the generated document at run time, so a test
 * states "the methods the API has" or "a method it does not have" without a copy of the list: an operation added to
 * the spec changes what these return, and no test keeps meaning what it meant by accident.
 */
import { openapiDocument } from '../../src/generated/openapi-document.js';
import { HTTP_METHODS, type HttpMethod } from '../../src/shared/http-methods.js';

const paths = (openapiDocument as unknown as { paths: Record<string, Record<string, unknown>> }).paths;

/** The methods the spec has an operation for on `path`, upper case, in the document's order. */
export function specMethods(path: string): string[] {
  const item = paths[path];
  if (!item) throw new Error(`the spec has no path ${path}`);
  return Object.keys(item)
    .filter((key) => (HTTP_METHODS as readonly string[]).includes(key))
    .map((method) => method.toUpperCase());
}

/** The methods the API answers on `path`: the spec's, then OPTIONS (every path answers a preflight). */
export function allowedMethods(path: string): string[] {
  const methods = specMethods(path);
  return methods.includes('OPTIONS') ? methods : [...methods, 'OPTIONS'];
}

/** The `Allow` header the API sends for `path` (on a 405 and a preflight): its allowed methods, in order. */
export function allowHeader(path: string): string {
  return allowedMethods(path).join(', ');
}

/**
 * Methods HTTP and API Gateway treat as ordinary requests that the spec does not list on `path`: the API must answer
 * each with 405. Not OPTIONS (a preflight, answered on every path), HEAD (a server may answer it as GET) or TRACE
 * (API Gateway has no such method).
 */
export function methodsNotInSpec(path: string): string[] {
  const listed = new Set(specMethods(path));
  const special: readonly HttpMethod[] = ['options', 'head', 'trace'];
  return HTTP_METHODS.filter((method) => !special.includes(method))
    .map((method) => method.toUpperCase())
    .filter((method) => !listed.has(method));
}

/** One method the spec does not list on `path` (the first of `methodsNotInSpec`); throws when the spec has them all. */
export function aMethodNotInSpec(path: string): string {
  const [method] = methodsNotInSpec(path);
  if (method === undefined) throw new Error(`the spec lists every method on ${path}: no method is left to refuse`);
  return method;
}
