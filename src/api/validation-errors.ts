/** Turns openapi-backend's (ajv's) validation errors into the API's error details, for people to read. */
import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from './errors.js';

/** The parts of a validated request, as the client knows them. */
const LOCATION_NAMES: Readonly<Record<string, string>> = {
  requestBody: 'body',
  query: 'query',
  header: 'header',
  path: 'path',
};

/** With the `u` flag a surrogate class matches only surrogates that are not half of a pair. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export function toErrorDetails(errors: readonly ErrorObject[]): ErrorDetail[] {
  return errors.map((error) => ({ location: locationOf(error), message: messageOf(error) }));
}

function locationOf(error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
  const [part = 'request', ...rest] = segments;
  return [LOCATION_NAMES[part] ?? part, ...rest].join('.');
}

function messageOf(error: ErrorObject): string {
  const { keyword, params } = error;
  switch (keyword) {
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${withArticle(String(params.type))}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`;
    case 'maxLength':
      return `must be at most ${params.limit} characters`;
    case 'pattern': {
      // Only reachable through a JSON escape (`"\ud800"`): UTF-8 text cannot carry a lone surrogate.
      if (LONE_SURROGATE.test(String(error.data))) {
        return 'must not contain unpaired UTF-16 surrogates';
      }
      const explained = (error.parentSchema as Record<string, unknown> | undefined)?.['x-pattern-message'];
      return typeof explained === 'string' ? explained : `must match the pattern ${params.pattern}`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function withArticle(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
