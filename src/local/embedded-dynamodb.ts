/**
 * DynamoDB for the local server: dynalite (a DynamoDB wire-protocol server on LevelDB) started in-process, or an
 * endpoint the user configured (DynamoDB Local, or real DynamoDB) with no emulator at all.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { IN_MEMORY } from '../config.js';
import { createTableInput } from '../customer-table.js';

export interface Emulator {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Credentials for the emulator, which accepts any. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const EMULATOR_REGION = 'us-east-1';

/** Starts dynalite on a free loopback port; on disk in `dataDir`, or in memory for `:memory:`. */
export async function startEmulator(dataDir: string): Promise<Emulator> {
  const onDisk = dataDir !== IN_MEMORY;
  if (onDisk) await mkdir(dataDir, { recursive: true });
  const server = dynalite({
    ...(onDisk ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections?.();
      }),
  };
}

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
