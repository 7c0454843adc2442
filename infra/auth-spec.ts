/**
 * The spec as the callers of a stage deployed with `-c auth=<mode>` see it. openapi/openapi.yaml is written for the
 * default mode (an API key per client); `iam` and `none` change only who may call: the security schemes, the
 * requirement of each secured operation, and the authentication errors. API Gateway imports its security from this
 * (infra/auth.ts) and `npm run docs -- --auth <mode>` publishes it, so the docs and the gateway never disagree.
 */
import type { AuthMode } from './settings.js';
import { type JsonObject, operationsOf } from './spec-document.js';

/** The name of the AWS IAM scheme in the `iam` document (API Gateway's `awsSigv4` auth type). */
export const SIGV4_SCHEME = 'sigv4';

/** The `iam` mode's scheme, as a caller reads it. */
const SIGV4: JsonObject = {
  type: 'apiKey',
  in: 'header',
  name: 'Authorization',
  description:
    'AWS Signature Version 4: sign every request (a CORS preflight needs none) for the service `execute-api` in the ' +
    "stage's region, with credentials whose IAM policy allows `execute-api:Invoke` on the method; the stack's owner " +
    'grants reading (GET) and writing (PUT) separately (see infra/README.md). An unsigned request gets `401`; a ' +
    'signature that does not match, or a caller not allowed, `403`.',
};

/** The authentication errors, which a stage that checks no credentials never answers. */
const AUTH_ERRORS = ['401', '403'];

/** How a paragraph of an answer's description that holds only with API keys starts (the 429's quotas). */
const API_KEYS_ONLY = 'With API keys (the default):';

/** A copy of `spec` (raw or dereferenced) for `mode`; `apiKey` gives it back unchanged. */
export function specForAuthMode(spec: object, mode: AuthMode): JsonObject {
  const document = structuredClone(spec) as JsonObject;
  if (mode === 'apiKey') return document;
  const components = (document.components ?? {}) as JsonObject;
  if (mode === 'iam') components.securitySchemes = { [SIGV4_SCHEME]: SIGV4 };
  else delete components.securitySchemes;
  for (const { operation } of operationsOf(document)) {
    if (!isSecured(operation)) continue;
    if (mode === 'iam') {
      operation.security = [{ [SIGV4_SCHEME]: [] }];
    } else {
      delete operation.security;
      const responses = operation.responses as JsonObject;
      for (const status of AUTH_ERRORS) delete responses[status];
    }
  }
  // A stage without API keys has no key rates or quotas: an answer's paragraph about them is left out.
  for (const response of Object.values((components.responses ?? {}) as Record<string, JsonObject>)) {
    if (typeof response.description !== 'string') continue;
    response.description = response.description
      .split('\n\n')
      .filter((paragraph) => !paragraph.startsWith(API_KEYS_ONLY))
      .join('\n\n');
  }
  if (mode === 'none') {
    const info = document.info as JsonObject;
    // The rows of the errors table for the statuses this stage never answers.
    info.description = String(info.description ?? '')
      .split('\n')
      .filter((line) => !AUTH_ERRORS.some((status) => line.startsWith(`| ${status} |`)))
      .join('\n');
  }
  return document;
}

/** Whether an operation requires credentials: a `security` with at least one non-empty requirement. */
export function isSecured(operation: JsonObject): boolean {
  const security = operation.security;
  return Array.isArray(security) && security.some((requirement) => Object.keys(requirement as JsonObject).length > 0);
}
