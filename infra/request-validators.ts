/**
 * What API Gateway validates before the Lambda runs: that each required parameter is there (all it can check of a
 * parameter), not the body. A body the gateway's model refused would be a 400 naming only `body` ("does not match
 * the operation's request schema": a gateway response template is static and cannot name the property), where the
 * Lambda, which checks every body anyway, names it (`body.id must be string`) and checks what the model cannot
 * (`pattern` and `maxLength` in code points). So every body is the Lambda's to judge, and a client gets one answer
 * for one mistake, whatever layer it meets first.
 *
 * Why not bodies too: had the gateway validated them, `{"id": 5}`, `{"id": null}`, `{"id": ""}` and
 * `{"name": "Ada"}` would get its static 400 naming only `body`, while the same mistake in a longer id got the
 * Lambda's `body.id`: two answers for one kind of mistake, and staging's first contract run failed on exactly these
 * four. A refused body costs one short invocation, and the WAF and throttling bound abuse. `BAD_REQUEST_BODY` stays
 * imported, in the spec's shape (infra/gateway-responses.ts), for a validator that someone turns on.
 */
import type { JsonObject } from './spec-document.js';

/** The one validator, set as the document's default and on every operation. */
export const REQUEST_VALIDATOR = 'parameters';
export const REQUEST_VALIDATORS: JsonObject = {
  [REQUEST_VALIDATOR]: { validateRequestBody: false, validateRequestParameters: true },
};
