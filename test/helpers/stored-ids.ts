/** Every id in the table, read with Scan: tests compare it before and after a request to prove nothing was written. */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../src/local/embedded-dynamodb.js';
import type { LocalServer } from '../../src/local/server.js';

/** A client of the local server's embedded DynamoDB, to read its table behind the API's back. */
export function emulatorClient(server: LocalServer): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: server.dynamoDbEndpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
}

export async function storedIds(dynamo: DynamoDBClient, tableName = 'customer_ids'): Promise<Set<string>> {
  const ids = new Set<string>();
  let ExclusiveStartKey: Record<string, { S?: string }> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: ExclusiveStartKey as never }),
    );
    for (const item of page.Items ?? []) ids.add(item.id?.S ?? '');
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return ids;
}
