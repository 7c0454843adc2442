/** The customer table on the local server's DynamoDB: created at start-up unless it is there already. */
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../shared/customer-table.js';

/** Creates the customer table unless it exists, and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'created';
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    outcome = 'existing';
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  return outcome;
}
