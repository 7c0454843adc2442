/**
 * The DynamoDB store with the real AWS SDK against dynalite: what it asks DynamoDB for (read from the SDK's own
 * middleware stack, since dynalite is always consistent and would answer a weak read the same), and how a fault is
 * classed: what a retry can fix is a 503, an operator's mistake (a missing table) is a plain 500.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../src/api/api-handler.js';
import { DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { StoreUnavailableError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/logger.js';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type Emulator,
  startEmulator,
} from '../../src/local/embedded-dynamodb.js';
import { ensureTable } from '../../src/local/table.js';
import { readHandlerConfig } from '../../src/shared/config.js';
import { proxyEvent } from '../helpers/proxy-events.js';

const TABLE = 'customer_ids';
let emulator: Emulator;
let client: DynamoDBClient;
/** Every command the client sent: its name and input. */
const sent: { command: string; input: Record<string, unknown> }[] = [];

beforeAll(async () => {
  emulator = await startEmulator(':memory:');
  client = createDynamoDbClient({
    ...readHandlerConfig({}),
    endpoint: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    region: EMULATOR_REGION,
  });
  await ensureTable(client, TABLE);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await emulator?.close();
});

describe('the DynamoDB store', () => {
  it('reads an id right after its PUT with a strongly consistent read', async () => {
    const store = new DynamoDbCustomerStore(client, TABLE);
    sent.length = 0;

    expect(await store.put('consistent-1')).toEqual({ created: true });
    expect(await store.exists('consistent-1')).toBe(true);

    expect(sent).toEqual([
      {
        command: 'PutItemCommand',
        input: { TableName: TABLE, Item: { id: 'consistent-1' }, ReturnValues: 'ALL_OLD' },
      },
      {
        command: 'GetItemCommand',
        input: { TableName: TABLE, Key: { id: 'consistent-1' }, ConsistentRead: true },
      },
    ]);
  });

  it('tells a new id from one already there, and an unknown id from a known one', async () => {
    const store = new DynamoDbCustomerStore(client, TABLE);

    expect(await store.exists('twice-1')).toBe(false);
    expect(await store.put('twice-1')).toEqual({ created: true });
    expect(await store.put('twice-1')).toEqual({ created: false });
    expect(await store.exists('twice-1')).toBe(true);
  });

  it('lets a missing table through as itself, not as "unavailable": no retry can fix it', async () => {
    const store = new DynamoDbCustomerStore(client, 'no_such_table');

    const failure = await store.exists('x').catch((error: unknown) => error);

    expect(failure).not.toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).name).toBe('ResourceNotFoundException');
  });

  it('answers a missing table with a plain 500 and no Retry-After, which the API 5xx alarm sees', async () => {
    const handler = createApiHandler({
      config: { ...readHandlerConfig({}), tableName: 'no_such_table' },
      client,
      logger: createLogger('silent'),
    });

    const result = await handler(proxyEvent({ queryStringParameters: { id: 'x' } }));

    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error' });
    expect(result.headers).not.toHaveProperty('Retry-After');
  });

  it('calls DynamoDB unavailable when it cannot be reached: a 503 a retry can fix', async () => {
    const unreachable = createDynamoDbClient({
      ...readHandlerConfig({}),
      dynamoDbMaxAttempts: 1,
      endpoint: 'http://127.0.0.1:9',
      credentials: EMULATOR_CREDENTIALS,
      region: EMULATOR_REGION,
    });
    const store = new DynamoDbCustomerStore(unreachable, TABLE);

    const failure = await store.put('x').catch((error: unknown) => error);
    unreachable.destroy();

    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).headers).toEqual({ 'Retry-After': '1' });
    // what went wrong stays with it, for the log
    expect((failure as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
