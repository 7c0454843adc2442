/**
 * The spec for each auth mode (infra/auth-spec.ts): what the docs of a stage deployed with `-c auth=<mode>` publish,
 * and what API Gateway imports its security from (test/infra/auth-modes.test.ts ties the two).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The operation objects of a document. */
const operations = (document: JsonObject) => operationsOf(document).map((entry) => entry.operation);

import { isSecured, SIGV4_SCHEME, specForAuthMode } from '../../infra/auth-spec.js';
import { type JsonObject, operationsOf } from '../../infra/spec-document.js';

const spec = parse(await readFile('openapi/openapi.yaml', 'utf8')) as JsonObject;
const schemesOf = (document: JsonObject) => (document.components as JsonObject).securitySchemes as JsonObject;
const descriptionOf = (document: JsonObject) => String((document.info as JsonObject).description);

describe('specForAuthMode', () => {
  it('gives the spec back unchanged for apiKey, the mode it is written for, and never changes its input', () => {
    const before = structuredClone(spec);
    expect(specForAuthMode(spec, 'apiKey')).toEqual(spec);
    specForAuthMode(spec, 'iam');
    specForAuthMode(spec, 'none');
    expect(spec).toEqual(before);
  });

  it('iam: one SigV4 scheme, required by every operation the spec secures, and it says what to sign for', () => {
    const iam = specForAuthMode(spec, 'iam');
    expect(Object.keys(schemesOf(iam))).toEqual([SIGV4_SCHEME]);
    expect(schemesOf(iam)[SIGV4_SCHEME]).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(JSON.stringify(schemesOf(iam)[SIGV4_SCHEME])).toMatch(/execute-api:Invoke/);
    const secured = operations(iam);
    expect(secured.length).toBe(operations(spec).filter(isSecured).length);
    for (const operation of secured) expect(operation.security).toEqual([{ [SIGV4_SCHEME]: [] }]);
    // The 401 (unsigned) and 403 (not allowed) answers stay: this mode gives both.
    for (const operation of secured) expect(Object.keys(operation.responses as JsonObject)).toContain('401');
  });

  it("iam and none: the 429 says nothing of API keys or their quotas (they have none); apiKey's does", () => {
    const tooMany = (document: JsonObject) =>
      String(
        ((document.components as JsonObject).responses as Record<string, JsonObject>).TooManyRequests?.description,
      );
    for (const mode of ['iam', 'none'] as const) {
      const description = tooMany(specForAuthMode(spec, mode));
      expect(description).not.toMatch(/API key|quota/i);
      expect(description).toMatch(/stage's throttle/);
    }
    expect(tooMany(specForAuthMode(spec, 'apiKey'))).toMatch(/your key's rate or burst, or over its monthly quota/);
  });

  it('none: no scheme, no requirement, and no 401/403 in the operations or in the errors table', () => {
    const none = specForAuthMode(spec, 'none');
    expect(schemesOf(spec)).toBeDefined();
    expect((none.components as JsonObject).securitySchemes).toBeUndefined();
    for (const operation of operations(none)) {
      expect(operation.security).toBeUndefined();
      expect(Object.keys(operation.responses as JsonObject)).not.toContain('401');
      expect(Object.keys(operation.responses as JsonObject)).not.toContain('403');
    }
    expect(descriptionOf(spec)).toMatch(/^\| 403 \|/m);
    expect(descriptionOf(none)).not.toMatch(/^\| 40[13] \|/m);
    expect(descriptionOf(none)).toMatch(/^\| 404 \|/m);
  });
});
