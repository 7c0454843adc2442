/**
 * Baseline (b): openapi-backend used the default way — the YAML read at start, `init()` (document validation,
 * dereferencing, every validator compiled), `handleRequest` per event — over the same operations and store.
 */
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type Context, OpenAPIBackend } from 'openapi-backend';
import { type CustomerStore, DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { createOperations } from '../../src/api/operations.js';
import { readHandlerConfig } from '../../src/shared/config.js';

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

/** An operation's result as the request handler sends it: JSON with its body, or no content. */
const answer = ({ status, body }: { status: number; body?: unknown }): APIGatewayProxyResult =>
  body === undefined ? { statusCode: status, headers: {}, body: '' } : json(status, body);

export async function createDefaultBackendHandler(store: CustomerStore, specPath: string) {
  const operations = createOperations(store);
  const api = new OpenAPIBackend({
    definition: specPath,
    handlers: {
      getCustomer: async (c: Context) =>
        answer(await operations.getCustomer({ query: c.request.query as never, body: undefined as never })),
      putCustomer: async (c: Context) =>
        answer(await operations.putCustomer({ query: {} as never, body: c.request.requestBody })),
      validationFail: async (c: Context) => json(400, { message: 'Invalid request', errors: c.validation.errors }),
      notFound: async () => json(404, { message: 'Not Found' }),
      methodNotAllowed: async () => json(405, { message: 'Method Not Allowed' }),
    },
  });
  await api.init();
  return (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
    api.handleRequest(
      {
        method: event.httpMethod,
        path: event.path,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        body: event.body ?? undefined,
        headers: event.headers as Record<string, string>,
      },
      event,
    );
}

// Bundled, the spec is read from beside the bundle (the benchmark copies it there), as a default setup would.
const specPath = process.env.OPENAPI_SPEC_PATH ?? fileURLToPath(new URL('./openapi.yaml', import.meta.url));
let ready: ReturnType<typeof createDefaultBackendHandler> | undefined;
export const handler = async (event: APIGatewayProxyEvent) => {
  const config = readHandlerConfig();
  ready ??= createDefaultBackendHandler(
    new DynamoDbCustomerStore(createDynamoDbClient(config), config.tableName),
    specPath,
  );
  return (await ready)(event);
};
