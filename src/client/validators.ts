/**
 * The API's own checks, for a form: the validator the Lambda runs on a `PUT /customers` body (ajv's standalone code,
 * generated at build time into src/generated/request-body-validators.ts: no compiler and no `eval` or `new Function`,
 * so it runs under a strict Content-Security-Policy) and the API's wording of what is wrong
 * (src/api/validation-errors.ts). A form shows exactly the `errors` the API would answer, without a second copy of the
 * id rules.
 */
import type { ValidateFunction } from 'ajv';
import { toErrorDetails } from '../api/validation-errors.js';
import type { components } from '../generated/openapi-types.js';
import { byOperation as bodyValidators } from '../generated/request-body-validators.js';

/** One thing wrong, as the API's 400 lists it: `{ location: 'body.id', message: 'must be at most 512 characters' }`. */
export type ErrorDetail = components['schemas']['ErrorDetail'];

const putBody = bodyValidators.putCustomer as unknown as ValidateFunction;

/**
 * What the API would answer about `id` sent as `PUT /customers {"id": id}`: its 400's `errors` (`location` `body.id`),
 * or `[]` when it accepts the id. The same verdict for any id in `GET /customers?id=…` but an empty one, which the
 * gateway refuses first (`query.id is missing or empty`).
 */
export function checkCustomerId(id: unknown): ErrorDetail[] {
  return putBody({ requestBody: { id } }) ? [] : toErrorDetails(putBody.errors ?? []);
}
