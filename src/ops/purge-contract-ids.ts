/**
 * Deletes the ids the contract suite wrote (all start with CONTRACT_ID_PREFIX) from a table, so staging's table does
 * not collect them forever: `TABLE_NAME=customer_ids npm run purge:contract-ids` with credentials allowed
 * `dynamodb:Scan` and `dynamodb:BatchWriteItem` on it. The deploy workflow runs it after staging's full suite.
 * Only ids with the prefix are read back and deleted; every other item is left alone.
 */
import { fileURLToPath } from 'node:url';
import { type AttributeValue, BatchWriteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { readPurgeConfig } from '../shared/config.js';
import { CONTRACT_ID_PREFIX, PARTITION_KEY } from '../shared/customer-table.js';

/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;

/** Deletes every item whose id starts with `prefix`; returns how many. */
export async function purgeContractIds(
  dynamo: DynamoDBClient,
  tableName: string,
  prefix: string = CONTRACT_ID_PREFIX,
): Promise<number> {
  if (!prefix) throw new Error('refusing to purge with an empty prefix: that would be every item');
  let deleted = 0;
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(#id, :prefix)',
        ExpressionAttributeNames: { '#id': PARTITION_KEY.name },
        ExpressionAttributeValues: { ':prefix': { S: prefix } },
        ProjectionExpression: '#id',
        ExclusiveStartKey,
      }),
    );
    const keys = (page.Items ?? []).filter((item) => item[PARTITION_KEY.name]?.S?.startsWith(prefix));
    for (let start = 0; start < keys.length; start += BATCH) {
      let requests = keys.slice(start, start + BATCH).map((Key) => ({ DeleteRequest: { Key } }));
      // Unprocessed deletes (throttling) are sent again, a little later each time.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`DynamoDB left ${requests.length} deletes unprocessed`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        const answer = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        const left = answer.UnprocessedItems?.[tableName] ?? [];
        deleted += requests.length - left.length;
        requests = left as typeof requests;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return deleted;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { tableName } = readPurgeConfig();
  const deleted = await purgeContractIds(new DynamoDBClient({}), tableName);
  process.stdout.write(`deleted ${deleted} ids starting with ${CONTRACT_ID_PREFIX} from ${tableName}\n`);
}
