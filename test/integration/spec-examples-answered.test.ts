/**
 * Every example is an answer: each response example of openapi/openapi.yaml is sent its request
 * (test/helpers/example-requests.ts) on the local server (the gateway layer in front of the API's handler, on the
 * embedded DynamoDB) and on the client package's MSW handlers, and the answer's status and body must be the example,
 * exactly. What a request needs besides itself is brought about as each target can: the store unreachable (503) or
 * its table missing (500) with the real AWS SDK locally, with `fail()` in the handlers; throttling (429) only in the
 * handlers (the local server never throttles); an unsigned request to an IAM-auth stage (401) by neither, so its
 * example is held to the gateway response the `-c auth=iam` definition imports.
 */
import { request as httpRequest } from 'node:http';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedDefinition } from '../../infra/imported-definition.js';
import { withDefaults } from '../../infra/settings.js';
import { type CustomerStore, DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { toErrorResponse } from '../../src/api/http-response.js';
import { type CustomersMockFault, createCustomersMock } from '../../src/client/client-msw.js';
import { responseExamples } from '../../src/generated/response-examples.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../src/local/embedded-dynamodb.js';
import { renderGatewayResponse } from '../../src/local/gateway/gateway-responses.js';
import { type GatewayDefinition, LOCAL_INTEGRATION_URI } from '../../src/local/gateway/imported-definition.js';
import type { LocalServer } from '../../src/local/server.js';
import { DEFAULT_LOCAL_API_KEY, readLocalServerConfig } from '../../src/shared/config.js';
import { EXAMPLE_IDS, type ExampleCondition, type ExampleRequest, examplePairs } from '../helpers/example-requests.js';
import { startTestServer } from '../helpers/local-server.js';

const MSW_BASE = 'https://examples.msw.invalid/prod';
const TABLE = readLocalServerConfig({}).tableName;
const pairs = examplePairs();

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** The example itself, as the spec documents it. */
function exampleOf(operationId: string, status: number, name: string): unknown {
  return (responseExamples as Record<string, Record<string, Record<string, unknown>>>)[operationId]?.[status]?.[name];
}

/** Sends `example` over HTTP; a GET with a body over node:http (fetch refuses to send one). */
async function send(base: string, example: ExampleRequest): Promise<Answer> {
  const headers: Record<string, string> = example.noKey ? {} : { 'x-api-key': DEFAULT_LOCAL_API_KEY };
  if (example.body !== undefined) headers['content-type'] = example.contentType ?? 'application/json';
  const url = `${base}${example.path}`;
  if (example.method === 'GET' && example.body !== undefined) return sendRaw(url, headers, example.body);
  const response = await fetch(url, {
    method: example.method,
    headers,
    ...(example.body === undefined ? {} : { body: example.body }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

function sendRaw(url: string, headers: Record<string, string>, body: string | Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
      );
    });
    outgoing.on('error', reject);
    outgoing.setHeader('content-length', Buffer.byteLength(body));
    outgoing.end(body);
  });
}

describe('every response example is what its request is answered, on the local server (behind the gateway layer)', () => {
  let server: LocalServer;
  let documents: DynamoDBDocumentClient;
  const stores: Partial<Record<'real' | ExampleCondition, CustomerStore>> = {};
  let current: CustomerStore | undefined;
  /** The server's store, switched per example: the real table, a missing one (500), an unreachable endpoint (503). */
  const steered: CustomerStore = {
    exists: (id) => (current as CustomerStore).exists(id),
    put: (id) => (current as CustomerStore).put(id),
  };

  beforeAll(async () => {
    server = await startTestServer({ store: steered });
    const client = createDynamoDbClient({
      ...readLocalServerConfig({}),
      endpoint: server.dynamoDbEndpoint,
      credentials: EMULATOR_CREDENTIALS,
      region: EMULATOR_REGION,
    });
    // port 9 (discard): nothing listens, the connection is refused at once
    const unreachable = createDynamoDbClient({
      dynamoDbConnectTimeoutMs: 200,
      dynamoDbRequestTimeoutMs: 200,
      dynamoDbMaxAttempts: 1,
      endpoint: 'http://127.0.0.1:9',
      credentials: EMULATOR_CREDENTIALS,
      region: EMULATOR_REGION,
    });
    documents = DynamoDBDocumentClient.from(client);
    stores.real = new DynamoDbCustomerStore(client, TABLE);
    stores.storeBroken = new DynamoDbCustomerStore(client, 'customer_ids_never_created');
    stores.storeUnavailable = new DynamoDbCustomerStore(unreachable, TABLE);
  });
  afterAll(async () => {
    await server?.close();
  });

  const producible: ReadonlySet<ExampleCondition | undefined> = new Set([undefined, 'storeBroken', 'storeUnavailable']);

  it.each(pairs.filter(([, , , example]) => producible.has(example?.condition)))(
    '%s %s %s',
    async (operationId, status, name, example) => {
      if (!example) throw new Error(`no request for ${operationId} ${status} ${name}`);
      current = stores.real;
      for (const id of EXAMPLE_IDS) await documents.send(new DeleteCommand({ TableName: TABLE, Key: { id } }));
      for (const id of example.stored ?? []) await stores.real?.put(id);
      current = example.condition ? stores[example.condition] : stores.real;

      const answer = await send(server.url, example);

      expect(answer).toEqual({ status, body: exampleOf(operationId, status, name) });
    },
  );
});

describe('every response example is what its request is answered, by the MSW handlers', () => {
  const msw = setupServer();
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => msw.close());

  const faults: Partial<Record<ExampleCondition, CustomersMockFault>> = {
    storeUnavailable: 503,
    storeBroken: 500,
    throttled: 429,
  };
  // a browser's fetch cannot send a GET with a body: the handlers are never asked one
  const producible = pairs.filter(
    ([, , , example]) =>
      (example?.condition === undefined || faults[example.condition] !== undefined) &&
      !(example?.method === 'GET' && example.body !== undefined),
  );

  it.each(producible)('%s %s %s', async (operationId, status, name, example) => {
    if (!example) throw new Error(`no request for ${operationId} ${status} ${name}`);
    const mock = createCustomersMock({
      baseUrl: MSW_BASE,
      apiKeys: [DEFAULT_LOCAL_API_KEY],
      ids: example.stored ?? [],
    });
    msw.resetHandlers(...mock.handlers);
    const fault = example.condition && faults[example.condition];
    if (fault) mock.fail(fault);

    const answer = await send(MSW_BASE, example);

    expect(answer).toEqual({ status, body: exampleOf(operationId, status, name) });
  });
});

describe('every response example is answered somewhere', () => {
  it('the 401 examples are the gateway response an IAM-auth stage imports for an unsigned request', () => {
    const iam = importedDefinition({
      settings: withDefaults({ auth: 'iam' }),
      integrationUri: LOCAL_INTEGRATION_URI,
    }) as unknown as GatewayDefinition;
    const unsigned = toErrorResponse(
      renderGatewayResponse(iam, 'MISSING_AUTHENTICATION_TOKEN', { requestId: 'r', headers: {} }, 'unsigned'),
    );
    const examples = pairs.filter(([, , , example]) => example?.condition === 'unsigned');

    expect(examples.map(([operationId, status]) => `${operationId} ${status}`)).toEqual([
      'getCustomer 401',
      'putCustomer 401',
    ]);
    for (const [operationId, status, name] of examples) {
      expect({ status: unsigned.statusCode, body: JSON.parse(unsigned.body) }).toEqual({
        status,
        body: exampleOf(operationId, status, name),
      });
    }
  });

  it('no example is left out by both targets: only the 401s (IAM auth, emulated by neither)', () => {
    const local = new Set([undefined, 'storeBroken', 'storeUnavailable']);
    const handlers = new Set([undefined, 'storeBroken', 'storeUnavailable', 'throttled']);
    const neither = pairs
      .filter(([, , , example]) => !local.has(example?.condition) && !handlers.has(example?.condition))
      .map(([operationId, status, name]) => `${operationId} ${status} ${name}`);

    expect(neither).toEqual(['getCustomer 401 example', 'putCustomer 401 example']);
  });
});
