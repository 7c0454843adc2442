/**
 * `npm run purge:contract-ids` (src/ops/purge-contract-ids.ts), which the deploy workflow runs after staging's full
 * suite: against the real local server's embedded DynamoDB, it deletes exactly the ids the contract suite writes
 * (CONTRACT_ID_PREFIX) and leaves every other id, over more than one batch.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/local/server.js';
import { purgeContractIds } from '../../src/ops/purge-contract-ids.js';
import { CONTRACT_ID_PREFIX } from '../contract/target.js';
import { startTestServer } from '../helpers/local-server.js';
import { emulatorClient, storedIds } from '../helpers/stored-ids.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('purging the contract suite ids', () => {
  it('deletes every id with the prefix, in batches, and nothing else', { timeout: 60_000 }, async () => {
    const dynamo = emulatorClient(server);
    const written = Array.from({ length: 60 }, (_, index) => `${CONTRACT_ID_PREFIX}purge-${index}`);
    // ids a customer might have: the prefix elsewhere in the id, a near miss, a plain id
    const kept = [`x-${CONTRACT_ID_PREFIX}1`, 'contract-tests-1', 'cust-4f9a2c'];
    for (const id of [...written, ...kept]) {
      await dynamo.send(new PutItemCommand({ TableName: 'customer_ids', Item: { id: { S: id } } }));
    }
    const before = await storedIds(dynamo);
    expect(await purgeContractIds(dynamo, 'customer_ids')).toBe(
      [...before].filter((id) => id.startsWith(CONTRACT_ID_PREFIX)).length,
    );
    const after = await storedIds(dynamo);
    expect([...after].filter((id) => id.startsWith(CONTRACT_ID_PREFIX))).toEqual([]);
    expect([...after].sort()).toEqual([...before].filter((id) => !id.startsWith(CONTRACT_ID_PREFIX)).sort());
    for (const id of kept) expect(after.has(id)).toBe(true);
  });

  it('refuses an empty prefix (it would delete every item)', async () => {
    await expect(purgeContractIds(emulatorClient(server), 'customer_ids', '')).rejects.toThrow(/empty prefix/);
  });
});
