/**
 * The floor for the benchmarks: a hand-written handler with no validation library, doing the same happy-path work
 * as src/api/lambda.ts (route, check the id by hand, GetItem/PutItem on the same DynamoDB client configuration, JSON
 * responses), on the low-level DynamoDB client (no document client, no logger). It is not the API: it skips the
 * error details, CORS and 405s. It only tells what the API's libraries and checks cost.
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { CustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { readHandlerConfig } from '../../src/shared/config.js';

// The spec's id rule, by hand: no whitespace, control characters or unpaired surrogates; 1 to 512 code points.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const ID = /^[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,512}$/u;

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export function createFloorHandler(store: CustomerStore) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    if (event.path !== '/customers') return json(404, { message: 'Not Found' });
    if (event.httpMethod === 'GET') {
      const id = event.queryStringParameters?.id;
      if (id === undefined || !ID.test(id)) return json(400, { message: 'Invalid id' });
      return json(200, { id, customerInDB: await store.exists(id) });
    }
    if (event.httpMethod === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse(event.body ?? '');
      } catch {
        return json(400, { message: 'Invalid JSON' });
      }
      const id = (body as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !ID.test(id)) return json(400, { message: 'Invalid id' });
      const { created } = await store.put(id);
      return json(200, { customer: { id }, message: 'success', created });
    }
    return json(405, { message: 'Method Not Allowed' });
  };
}

/** GetItem and PutItem on the low-level client, attribute values written by hand. */
export function lowLevelStore(client: DynamoDBClient, tableName: string): CustomerStore {
  const key = (id: string) => ({ id: { S: id } });
  return {
    async exists(id) {
      const result = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
      );
      return result.Item !== undefined;
    },
    async put(id) {
      const result = await client.send(
        new PutItemCommand({ TableName: tableName, Item: key(id), ReturnValues: 'ALL_OLD' }),
      );
      return { created: result.Attributes === undefined };
    },
  };
}

const config = readHandlerConfig();
export const handler = createFloorHandler(lowLevelStore(createDynamoDbClient(config), config.tableName));
