import { describe, expect, it } from 'vitest';
import { toGatewayDefinition } from '../../infra/api-definition.js';
import { authDefinitionExtensions } from '../../infra/auth.js';
import { translateSchema } from '../../infra/gateway-models.js';
import type { JsonObject } from '../../infra/spec-document.js';
import { UntranslatableSpecError } from '../../infra/translation-problems.js';
import { openapiDocument } from '../../src/generated/openapi-document.js';

// The published spec requires an API key: the default auth mode (infra/auth.ts) translates its security.
const options = {
  integrationUri: 'arn:test',
  corsAllowOrigin: '*',
  ...authDefinitionExtensions('apiKey', openapiDocument, '*'),
};
const bare = { integrationUri: 'arn:test', corsAllowOrigin: '*' };

/** The spec with one change, made by `edit` on a copy. */
function specWith(edit: (spec: JsonObject & { paths: Record<string, Record<string, JsonObject>> }) => void) {
  const spec = structuredClone(openapiDocument) as unknown as JsonObject & {
    paths: Record<string, Record<string, JsonObject>>;
  };
  edit(spec);
  return spec;
}

function problemsOf(spec: object, translation: typeof bare = options): readonly string[] {
  try {
    toGatewayDefinition(spec, translation);
  } catch (error) {
    if (error instanceof UntranslatableSpecError) return error.problems;
    throw error;
  }
  return [];
}

/** Problems without any auth mode's help. */
const problemsOfBare = (spec: object) => problemsOf(spec, bare);

describe('the spec-to-API-Gateway translation', () => {
  it('translates the published spec with no problem', () => {
    expect(problemsOf(openapiDocument)).toEqual([]);
  });

  it.each([
    ['$ref', { $ref: '#/components/schemas/CustomerId' }],
    ['allOf', { allOf: [{ type: 'string' }] }],
    ['anyOf', { anyOf: [{ type: 'string' }, { type: 'integer' }] }],
    ['oneOf', { oneOf: [{ type: 'string' }] }],
    ['not', { not: { type: 'null' } }],
    ['nullable', { type: 'string', nullable: true }],
    ['readOnly', { type: 'string', readOnly: true }],
    ['exclusiveMinimum', { type: 'number', minimum: 0, exclusiveMinimum: true }],
    ['discriminator', { type: 'object', discriminator: { propertyName: 'kind' } }],
    ['x-vendor-thing', { type: 'string', 'x-vendor-thing': 1 }],
  ])('fails the synth on `%s` in a body schema, naming the keyword and where it is', (keyword, schema) => {
    const spec = specWith((s) => {
      const body = s.paths['/customers']?.put?.requestBody as { content: Record<string, { schema: JsonObject }> };
      (body.content['application/json'] as { schema: JsonObject }).schema.properties = { id: schema as JsonObject };
    });
    const problems = problemsOf(spec);
    const pointer = '#/paths/~1customers/put/requestBody/content/application~1json/schema/properties/id';
    expect(problems).toContainEqual(expect.stringContaining(`${pointer}/${keyword.replace('/', '~1')}`));
    expect(problems.join('\n')).toContain(`\`${keyword}\``);
  });

  it('fails with one message listing every problem, and what to do', () => {
    const spec = specWith((s) => {
      const get = s.paths['/customers']?.get as JsonObject;
      get.callbacks = {};
      (get.parameters as JsonObject[]).push({ name: 'session', in: 'cookie', schema: { type: 'string' } });
    });
    expect(() => toGatewayDefinition(spec, options)).toThrow(
      /cannot be imported into API Gateway as it is[\s\S]*#\/paths\/~1customers\/get\/callbacks: `callbacks` in an operation has no API Gateway translation[\s\S]*API Gateway has no "cookie" parameters[\s\S]*Teach infra\/api-definition.ts/,
    );
  });

  it('fails on a format API Gateway refuses on numbers, and on array parameters', () => {
    expect(() => translateSchema({ type: 'number', format: 'int64' })).toThrow(/format "int64" on a number/);
    const spec = specWith((s) => {
      (s.paths['/customers']?.get?.parameters as JsonObject[] | undefined)?.push({
        name: 'tag',
        in: 'query',
        schema: { type: 'array', items: { type: 'string' } },
      });
    });
    expect(problemsOf(spec)).toContainEqual(expect.stringContaining('"array" parameter has no translation'));
  });

  it('fails on an OpenAPI 3.1 document, which API Gateway cannot import', () => {
    expect(problemsOf(specWith((s) => Object.assign(s, { openapi: '3.1.0' })))).toContainEqual(
      expect.stringContaining('OpenAPI 3.0 only'),
    );
  });

  it('fails on a security requirement unless an auth mode translates it, and then leaves it to that mode', () => {
    const secured = specWith((s) => {
      delete (s.paths['/customers'] as Record<string, JsonObject>).put?.security;
      (s.paths['/customers']?.get as JsonObject).security = [{ apiKey: [] }];
    });
    expect(problemsOfBare(secured)).toContainEqual(expect.stringContaining('needs an auth mode'));
    const definition = toGatewayDefinition(secured, {
      ...bare,
      fieldsTranslatedElsewhere: ['security', 'securitySchemes'],
      operationExtensions: ({ source }): JsonObject => (source.security ? { security: source.security } : {}),
    });
    const paths = definition.paths as Record<string, Record<string, JsonObject>>;
    expect(paths['/customers']?.get?.security).toEqual([{ apiKey: [] }]);
    expect(paths['/customers']?.put?.security).toBeUndefined();
  });

  it('never copies `default` into a model: an annotation API Gateway models do not support', () => {
    expect(translateSchema({ type: 'string', minLength: 1, default: 'cust-1' })).toEqual({
      type: 'string',
      minLength: 1,
    });
    const spec = specWith((s) => {
      const body = s.paths['/customers']?.put?.requestBody as { content: Record<string, { schema: JsonObject }> };
      const schema = (body.content['application/json'] as { schema: JsonObject }).schema;
      schema.default = { id: 'cust-1' };
      (schema.properties as Record<string, JsonObject>).id = { type: 'string', default: 'cust-1' };
    });
    const paths = toGatewayDefinition(spec, options).paths as Record<string, Record<string, JsonObject>>;
    const put = paths['/customers']?.put as { requestBody: { content: Record<string, { schema: JsonObject }> } };
    const model = put.requestBody.content['application/json']?.schema;
    expect(JSON.stringify(model)).not.toContain('default');
    expect(model).toMatchObject({ type: 'object', properties: { id: { type: 'string' } } });
  });

  it('leaves to the Lambda only what it names, with its reason: maxLength, pattern, additionalProperties', () => {
    expect(
      translateSchema({
        type: 'object',
        additionalProperties: false,
        properties: { id: { type: 'string', minLength: 1, maxLength: 512, pattern: '^a$', example: 'a' } },
      }),
    ).toEqual({ type: 'object', properties: { id: { type: 'string', minLength: 1 } } });
  });

  it("applies path-level parameters to each operation, the operation's own winning", () => {
    const spec = specWith((s) => {
      const item = s.paths['/customers'] as Record<string, unknown>;
      item.parameters = [
        { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
        { name: 'id', in: 'query', required: false, schema: { type: 'string' } },
      ];
    });
    const paths = toGatewayDefinition(spec, options).paths as Record<string, Record<string, JsonObject>>;
    const get = paths['/customers']?.get?.parameters as JsonObject[];
    expect(get).toContainEqual({ name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } });
    expect(get.filter((parameter) => parameter.name === 'id')).toEqual([
      expect.objectContaining({ in: 'query', required: true }),
    ]);
    expect(paths['/customers']?.put?.parameters).toContainEqual(expect.objectContaining({ name: 'X-Tenant' }));
  });
});
