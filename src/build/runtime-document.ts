/**
 * The part of the spec the Lambda runs on: what openapi-backend routes and validates requests with (operations,
 * their parameters and request bodies with their schemas, the security schemes they name), without prose, examples or
 * responses. Every byte the
 * Lambda loads costs cold start; the full document (src/generated/openapi-document.ts) stays for the CDK, the docs
 * and the tests.
 */
import { HTTP_METHODS } from '../shared/http-methods.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);
const OPERATION_KEYS = new Set(['operationId', 'parameters', 'requestBody', 'security']);
/** Keywords that only explain or illustrate; no validator reads them. */
const ANNOTATIONS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', '$comment']);
/** Objects whose keys are names chosen by the spec's author (a property may be called "description"). */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'content']);

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isExtension = (key: string) => key.startsWith('x-');

/** A copy of `value` without annotation keywords, keeping keys of name maps whatever they are called. */
function withoutAnnotations(value: Json, isNameMap = false): Json {
  if (Array.isArray(value)) return value.map((item) => withoutAnnotations(item));
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (!isNameMap && ANNOTATIONS.has(key)) continue;
    result[key] = withoutAnnotations(child, !isNameMap && NAME_MAPS.has(key));
  }
  return result;
}

function pickKeys(object: JsonObject, keep: (key: string) => boolean): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keep(key)));
}

/** `document` (dereferenced) reduced to what request routing and validation read. */
export function toRuntimeDocument(document: JsonObject): JsonObject {
  const info = isObject(document.info) ? document.info : {};
  const paths: JsonObject = {};
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue;
    const runtimeItem: JsonObject = {};
    for (const [key, child] of Object.entries(item)) {
      if (METHODS.has(key) && isObject(child)) {
        runtimeItem[key] = withoutAnnotations(pickKeys(child, (name) => OPERATION_KEYS.has(name) || isExtension(name)));
      } else if (key === 'parameters' || isExtension(key)) {
        runtimeItem[key] = withoutAnnotations(child);
      }
    }
    paths[path] = runtimeItem;
  }
  const components = isObject(document.components) ? document.components : {};
  // the API-key gate reads the header an operation's key goes in from its scheme
  const schemes = components.securitySchemes;
  const securitySchemes = isObject(schemes) ? (withoutAnnotations(schemes, true) as JsonObject) : {};
  return {
    openapi: document.openapi ?? '3.0.3',
    info: { title: info.title ?? '', version: info.version ?? '' },
    ...(document.security === undefined ? {} : { security: document.security }),
    paths,
    ...(Object.keys(securitySchemes).length === 0 ? {} : { components: { securitySchemes } }),
  };
}
