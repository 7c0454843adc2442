/**
 * "Adding an operation" (test/README.md), followed on a copy: the spec gets `DELETE /customers?id=…` (204 when removed,
 * 404 when absent, GET's id parameter and its errors by `$ref`, a minor version bump) in a temporary folder, `npm run
 * generate`'s own code (src/build/generate.ts) renders it into that folder, and each layer is shown to pick the
 * operation up from those files with no edit of its own.
 *
 * How the layers get the temporary files: every module of src/generated/ is replaced, for this file's imports only,
 * by the module generated in the temporary folder (vi.doMock), and the layers are imported after that, so the real
 * code of each reads the new spec as it would after `npm run generate`. What the guide has a developer write is
 * written here the smallest way: the handler (beside createOperations' own, in operations.js) and the store's command
 * in the map of src/api/store-actions.ts. The store method itself is not written: the handler removes the id from the
 * in-memory store's `ids` (the DynamoDB side of the same handler is test/infra/table-permissions.test.ts's).
 *
 * Not from the temporary files: the Lambda bundle in the synthesized stack (esbuild bundles src/ from disk; its code is
 * not what the template checks) and the Prism mock (a CLI, spawned elsewhere on the real spec: too slow for here).
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
const GENERATED = ['openapi-types', 'openapi-document', 'runtime-document', 'response-examples', 'gateway-definition'];
const VALIDATORS = ['request-body-validators', 'request-params-validators', 'response-validators'];

let dir: string;
let files: Record<string, string>;
let before: Record<string, string>;
let template: Template;

/** The one new operation, as a developer following step 1 would write it in openapi/openapi.yaml. */
function addDelete(yaml: string): string {
  const spec = parseDocument(yaml);
  const version = String(spec.getIn(['info', 'version']))
    .split('.')
    .map(Number);
  spec.setIn(['info', 'version'], `${version[0]}.${(version[1] ?? 0) + 1}.0`);
  const get = spec.getIn(['paths', '/customers', 'get']) as { toJSON(): Record<string, unknown> };
  const { security, parameters, responses, tags } = get.toJSON() as {
    security: unknown;
    parameters: unknown;
    tags: unknown;
    responses: Record<string, { headers?: Record<string, unknown> }>;
  };
  const { 'Cache-Control': _, ...headers } = responses['200']?.headers ?? {};
  // the 404 as a shared response, shaped like the others: the Error schema by $ref
  const notFound = (spec.getIn(['components', 'responses', 'InternalError']) as { toJSON(): object }).toJSON();
  spec.setIn(
    ['components', 'responses', 'NotFound'],
    spec.createNode({
      ...notFound,
      description: 'The id is not in the table.',
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          example: { message: 'No resource at /customers?id=cust-000000' },
        },
      },
    }),
  );
  const errors = Object.fromEntries(Object.entries(responses).filter(([status]) => Number(status) >= 400));
  spec.setIn(
    ['paths', '/customers', 'delete'],
    spec.createNode({
      tags,
      operationId: 'deleteCustomer',
      summary: 'Remove a customer id',
      description: 'Removes the id from the `customer_ids` table: `204` when it was there, `404` when it was not.',
      security,
      parameters,
      responses: {
        '204': { description: 'The id was removed.', headers },
        '404': { $ref: '#/components/responses/NotFound' },
        ...errors,
      },
    }),
  );
  return spec.toString();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'customers-api-adding-an-operation-'));
  // the generated validators import ajv's runtime: resolved from the project's node_modules, as in src/generated
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const yaml = addDelete(await readFile(join(root, 'openapi/openapi.yaml'), 'utf8'));
  await writeFile(join(dir, 'openapi.yaml'), yaml);
  // step 2: `npm run generate`, the same code, into the temporary folder
  const { generate, renderGenerated } = await import('../../src/build/generate.js');
  await mkdir(join(dir, 'generated'));
  files = await generate({ spec: join(dir, 'openapi.yaml'), out: join(dir, 'generated') });
  before = await renderGenerated();

  // From here on, the layers import what was generated in the temporary folder.
  vi.resetModules();
  for (const name of [...GENERATED, ...VALIDATORS]) {
    vi.doMock(`../../src/generated/${name}.js`, () => import(join(dir, 'generated', `${name}.ts`)));
  }
  // step 3, the handler: 204 when the id was there, 404 when not
  vi.doMock('../../src/api/operations.js', async (importOriginal) => {
    const original = await importOriginal<typeof import('../../src/api/operations.js')>();
    const { NotFoundError } = await import('../../src/api/errors.js');
    return {
      ...original,
      createOperations: (store: import('../../src/api/customer-store.js').CustomerStore) => ({
        ...original.createOperations(store),
        async deleteCustomer({ query }: { query: { id: string } }) {
          const { ids } = store as unknown as { ids: Set<string> };
          if (!ids.delete(query.id)) throw new NotFoundError(`/customers?id=${query.id}`);
          return { status: 204 };
        },
      }),
    };
  });
  // step 4, the store's command in the one map
  vi.doMock('../../src/api/store-actions.js', async (importOriginal) => {
    const original = await importOriginal<typeof import('../../src/api/store-actions.js')>();
    const STORE_COMMANDS = { ...original.STORE_COMMANDS, DeleteCommand: 'DeleteItem' } as const;
    return { ...original, STORE_COMMANDS, TABLE_ACTIONS: [...new Set(Object.values(STORE_COMMANDS))] };
  });
  const { synthesize } = await import('../infra/synth.js');
  ({ template } = await synthesize());
}, 120_000);

afterAll(async () => {
  vi.resetModules();
  vi.doUnmock('../../src/api/operations.js');
  vi.doUnmock('../../src/api/store-actions.js');
  for (const name of [...GENERATED, ...VALIDATORS]) vi.doUnmock(`../../src/generated/${name}.js`);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A request as API Gateway hands it to the function. */
function event(method: string, query: Record<string, string> | null, headers: Record<string, string> = {}) {
  return {
    httpMethod: method,
    path: '/customers',
    resource: '/customers',
    headers: { 'x-api-key': 'a-key', ...headers },
    multiValueHeaders: {},
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { stage: 'prod', requestId: 'adding-an-operation' },
  } as unknown as APIGatewayProxyEvent;
}

describe('step 2: npm run generate renders the new operation into every generated file', () => {
  it('changes the types, both documents, the validators and the imported definition; not the body validators', () => {
    expect(Object.keys(files).sort()).toEqual(Object.keys(before).sort());
    const changed = Object.keys(files).filter((name) => files[name] !== before[name]);
    // a DELETE has no request body: that file alone is as the real spec renders it
    expect(changed.sort()).toEqual(
      Object.keys(files)
        .filter((name) => name !== 'request-body-validators.ts')
        .sort(),
    );
    expect(files['openapi-types.ts']).toMatch(/deleteCustomer: \{/);
    expect(files['openapi-types.ts']).toMatch(/delete: operations\["deleteCustomer"\]/);
    expect(files['response-validators.ts']).toContain('"DELETE /customers"');
    expect(files['request-params-validators.ts']).toContain('"deleteCustomer"');
  });

  it('types the client: DELETE /customers takes the id and answers 204 without content (checked by tsc)', () => {
    const check = (body: string) => {
      const file = join(dir, 'client-check.ts');
      const source = [
        "import createClient from 'openapi-fetch';",
        "import type { operations, paths } from './generated/openapi-types.js';",
        'const client = createClient<paths>({ baseUrl: "https://api.example.test/prod" });',
        "type NoContent = operations['deleteCustomer']['responses'][204]['content'];",
        'export const none: NoContent = undefined as never;',
        `export async function remove(id: string) { ${body} }`,
      ].join('\n');
      const host = ts.createCompilerHost({});
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        types: [],
      };
      const readFile = host.readFile;
      host.readFile = (name) => (name === file ? source : readFile(name));
      const fileExists = host.fileExists;
      host.fileExists = (name) => name === file || fileExists(name);
      const program = ts.createProgram([file], options, host);
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    // one program for both: the call with the id compiles, and the one without it must not (an expect-error
    // directive with no error under it is an error of its own)
    const call = "client.DELETE('/customers', { params: { query: { id } } });";
    const withoutId = "client.DELETE('/customers', { params: { query: {} } });";
    expect(check(`await ${call}\n  // @ts-expect-error the id is required\n  await ${withoutId}`)).toEqual([]);
  }, 30_000);
});

describe('the layers, from the generated files, with no edit', () => {
  it('routing: the request handler answers 204, then 404 with its error shape; a 405 and a preflight allow DELETE', async () => {
    const { Contract } = await import('../../src/api/contract.js');
    const { MemoryCustomerStore } = await import('../../src/api/memory-customer-store.js');
    const { createOperations } = await import('../../src/api/operations.js');
    const { createRequestHandler } = await import('../../src/api/request-handler.js');
    const { createResponseFinisher } = await import('../../src/api/finish-response.js');
    const { createLogger } = await import('../../src/api/logger.js');
    const { readHandlerConfig } = await import('../../src/shared/config.js');
    const contract = new Contract();
    expect(contract.match('DELETE', '/customers')?.operationId).toBe('deleteCustomer');
    const handler = createRequestHandler({
      contract,
      operations: createOperations(new MemoryCustomerStore(['cust-4f9a2c'])),
      finish: createResponseFinisher({ config: readHandlerConfig({}), logger: createLogger('silent') }),
    });
    const removed = await handler(event('DELETE', { id: 'cust-4f9a2c' }));
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const absent = await handler(event('DELETE', { id: 'cust-4f9a2c' }));
    expect(absent.statusCode).toBe(404);
    expect(JSON.parse(absent.body)).toEqual({ message: expect.any(String) });
    const badId = await handler(event('DELETE', { id: 'has space' }));
    expect(badId.statusCode).toBe(400);
    const notAllowed = await handler(event('PATCH', { id: 'cust-4f9a2c' }));
    expect(notAllowed.statusCode).toBe(405);
    expect(String(notAllowed.headers?.Allow ?? notAllowed.headers?.allow)).toMatch(/\bDELETE\b/);
    const preflight = await handler(
      event('OPTIONS', null, { origin: 'https://app.example.test', 'access-control-request-method': 'DELETE' }),
    );
    expect(String(preflight.headers?.['Access-Control-Allow-Methods'])).toMatch(/\bDELETE\b/);
  });

  it('the local gateway layer routes DELETE /customers by the generated definition', async () => {
    const { gatewayDefinition } = await import('../../src/generated/gateway-definition.js');
    const { routeOf } = await import('../../src/local/gateway/imported-definition.js');
    expect(routeOf(gatewayDefinition, 'DELETE', '/customers')).toBeDefined();
    const { createApiGateway } = await import('../../src/local/gateway/api-gateway.js');
    const gateway = createApiGateway({ definition: gatewayDefinition, apiKeys: ['a-key'] });
    const request = { method: 'DELETE', path: '/customers', headers: { 'x-api-key': 'a-key' } };
    expect(gateway.admit(request as never)).toBeDefined();
    expect(() => gateway.admit({ ...request, path: '/customers/nope' } as never)).toThrow();
  });

  it("the gateway import (SpecRestApi's body) has DELETE /customers integrated with the function", () => {
    const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi')) as {
      Properties: { Body: { paths: Record<string, Record<string, Record<string, unknown>>> } };
    }[];
    const operation = api?.Properties.Body.paths['/customers']?.delete;
    expect(operation?.['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy' });
  });

  it("the role grants dynamodb:DeleteItem on the table, and the table's alarms watch it", async () => {
    const { grantedTableActions } = await import('../helpers/table-actions.js');
    expect(grantedTableActions(template).map(({ action }) => action)).toContain('DeleteItem');
    const alarms = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    for (const metric of ['ThrottledRequests', 'SystemErrors']) expect(alarms).toContain(`"MetricName":"${metric}"`);
    expect(alarms).toContain('{"Name":"Operation","Value":"DeleteItem"}');
  });

  it('the release probes send a refused DELETE and a DELETE preflight', async () => {
    const { specProbes } = await import('../../src/release-check/release-probe.js');
    const probes = specProbes();
    expect(probes.find((probe) => probe.name.startsWith('deleteCustomer:'))).toMatchObject({
      kind: 'refused write',
      method: 'DELETE',
    });
    const preflights = probes.filter((probe) => probe.method === 'OPTIONS');
    expect(preflights.map((probe) => probe.headers['access-control-request-method'])).toContain('DELETE');
  });

  it('the MSW handlers answer DELETE as the API does: 204, then 404', async () => {
    const { getResponse } = await import('msw');
    const { createCustomersMock } = await import('../../src/client/client-msw.js');
    const mock = createCustomersMock({ baseUrl: 'https://api.example.test/prod', ids: ['cust-4f9a2c'] });
    const remove = () =>
      getResponse(
        [...mock.handlers],
        new Request('https://api.example.test/prod/customers?id=cust-4f9a2c', {
          method: 'DELETE',
          headers: { 'x-api-key': 'a-key' },
        }),
      );
    expect((await remove())?.status).toBe(204);
    expect(mock.has('cust-4f9a2c')).toBe(false);
    const absent = await remove();
    expect(absent?.status).toBe(404);
    expect(await absent?.json()).toEqual({ message: expect.any(String) });
  });
});
