/**
 * The breaking-change gate's view of who may call: a change that refuses a client with the credentials it had is
 * breaking (a new key requirement, a renamed key header, a scheme swapped), one that lets more clients in is not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { securityBreaks } from '../../src/build/security-changes.js';

const spec = parse(readFileSync('openapi/openapi.yaml', 'utf8')) as {
  security?: unknown;
  paths: Record<string, Record<string, { security?: unknown }>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
};
const customers = (document: typeof spec) => document.paths['/customers'] as Record<string, { security?: unknown }>;

/** The spec with no operation secured (as it was before keys): every client called without credentials. */
function keyless(): typeof spec {
  const document = structuredClone(spec);
  for (const operation of Object.values(customers(document))) delete operation.security;
  delete document.security;
  return document;
}

describe('security changes the breaking-change gate sees', () => {
  it('finds none between the spec and itself', () => {
    expect(securityBreaks(spec, structuredClone(spec))).toEqual([]);
  });

  it('calls a newly required API key breaking, on every operation it is added to', () => {
    expect(securityBreaks(keyless(), spec)).toEqual([
      { path: '#/paths/~1customers/get/security', reason: expect.stringMatching(/sent none is refused/) },
      { path: '#/paths/~1customers/put/security', reason: expect.stringMatching(/sent none is refused/) },
    ]);
  });

  it('calls a requirement added at the root breaking for operations that do not say otherwise', () => {
    const head = keyless();
    head.security = [{ apiKey: [] }];
    expect(securityBreaks(keyless(), head).map((change) => change.path)).toEqual([
      '#/paths/~1customers/get/security',
      '#/paths/~1customers/put/security',
    ]);
  });

  it('calls a renamed key header breaking', () => {
    const head = structuredClone(spec);
    (head.components.securitySchemes.apiKey as { name: string }).name = 'x-customers-key';
    expect(securityBreaks(spec, head)).toHaveLength(2);
  });

  it('does not call a renamed scheme breaking when what the client sends is the same', () => {
    const head = structuredClone(spec);
    head.components.securitySchemes.key = head.components.securitySchemes.apiKey as Record<string, unknown>;
    for (const operation of Object.values(customers(head))) operation.security = [{ key: [] }];
    expect(securityBreaks(spec, head)).toEqual([]);
  });

  it('does not call dropping a requirement, or adding an alternative, breaking', () => {
    expect(securityBreaks(spec, keyless())).toEqual([]);
    const head = structuredClone(spec);
    head.components.securitySchemes.bearer = { type: 'http', scheme: 'bearer' };
    for (const operation of Object.values(customers(head))) operation.security = [{ apiKey: [] }, { bearer: [] }];
    expect(securityBreaks(spec, head)).toEqual([]);
  });

  it('calls removing the alternative a client used breaking', () => {
    const base = structuredClone(spec);
    base.components.securitySchemes.bearer = { type: 'http', scheme: 'bearer' };
    for (const operation of Object.values(customers(base))) operation.security = [{ apiKey: [] }, { bearer: [] }];
    expect(securityBreaks(base, spec)).toHaveLength(2);
  });
});
