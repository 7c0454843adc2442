/**
 * The `customer_ids` table, defined once: the local server creates it from this definition and the CDK stack
 * deploys it from the same one.
 */
export const DEFAULT_TABLE_NAME = 'customer_ids';

/**
 * Every id the contract suite (test/contract) writes starts with this, so that an operator finds them in a staging
 * table and `npm run purge:contract-ids` deletes them and nothing else.
 */
export const CONTRACT_ID_PREFIX = 'contract-test-';

/** The partition key: a string attribute named `id`. */
export const PARTITION_KEY = { name: 'id', type: 'S' } as const;

/** CreateTable input for a table of this shape (on-demand billing, as deployed). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY.name, AttributeType: PARTITION_KEY.type }],
    KeySchema: [{ AttributeName: PARTITION_KEY.name, KeyType: 'HASH' as const }],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
