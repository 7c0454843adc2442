/**
 * The floor for the benchmarks: a hand-written handler with no validation library, doing the same happy-path work
 * as src/lambda.ts (route, check the id by hand, GetItem/PutItem with the same client and store, JSON responses).
 * It is not the API: it skips the error details, CORS and 405s. It only tells what the contract costs.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readHandlerConfig } from '../../src/config.js';
import { type CustomerStore, DynamoDbCustomerStore } from '../../src/customer-store.js';
import { createDynamoDbClient } from '../../src/dynamodb-client.js';

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

const config = readHandlerConfig();
export const handler = createFloorHandler(new DynamoDbCustomerStore(createDynamoDbClient(config), config.tableName));
