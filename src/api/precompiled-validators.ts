/**
 * openapi-backend's request validators, compiled at build time (ajv standalone code in src/generated/, by
 * `npm run generate`) instead of at start or on a first request. openapi-backend asks its `customizeAjv` hook for
 * an Ajv and calls only `compile(schema)` on it: this hook answers with the validator generated from that exact
 * schema, found by a hash of the schema, and fails loudly when there is none (a stale build).
 */
import { createHash } from 'node:crypto';
import type { Ajv, ValidateFunction } from 'ajv';
import { validators as bodyValidators } from '../generated/request-body-validators.js';
import { validators as paramsValidators } from '../generated/request-params-validators.js';

/** openapi-backend's ValidationContext values for request validation. */
export const REQUEST_CONTEXTS = { body: 'requestBodyValidator', params: 'paramsValidator' } as const;

/** The Ajv options the validators are compiled with (openapi-backend adds `coerceTypes: true` for params). */
export const AJV_OPTIONS = { verbose: true } as const;

/** A stable key for a schema, the same at build time and at run time. */
export function schemaKey(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('base64url').slice(0, 22);
}

const PRECOMPILED: Readonly<Record<string, Readonly<Record<string, ValidateFunction>>>> = {
  [REQUEST_CONTEXTS.body]: bodyValidators as unknown as Record<string, ValidateFunction>,
  [REQUEST_CONTEXTS.params]: paramsValidators as unknown as Record<string, ValidateFunction>,
};

export class MissingPrecompiledValidatorError extends Error {
  override readonly name = 'MissingPrecompiledValidatorError';
}

/**
 * openapi-backend's `customizeAjv`: request validators come precompiled; other contexts (response validation, used
 * by the tests) keep the Ajv openapi-backend built.
 */
export function usePrecompiledValidators(ajv: Ajv, _options: unknown, context: string): Ajv {
  const table = PRECOMPILED[context];
  if (!table) return ajv;
  return {
    compile(schema: unknown): ValidateFunction {
      const validate = table[schemaKey(schema)];
      if (!validate) {
        throw new MissingPrecompiledValidatorError(
          `No precompiled ${context} for a schema of the spec: run \`npm run generate\` and rebuild`,
        );
      }
      return validate;
    },
  } as unknown as Ajv;
}
