/**
 * DynamoDB for the local server: dynalite (a DynamoDB wire-protocol server on LevelDB) in a child process of its own
 * (src/local/dynalite-process.ts), or an endpoint the user configured (DynamoDB Local, or real DynamoDB) with no
 * emulator at all.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { IN_MEMORY } from '../config.js';
import { createTableInput } from '../customer-table.js';
import type { EmulatorMessage } from './dynalite-process.js';

export interface Emulator {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** The emulator's process id. */
  readonly pid: number;
  /** Settles when the emulator's process has exited, for whatever reason (`close()`, a crash, a kill). */
  readonly exited: Promise<EmulatorExit>;
  /** Stops the emulator (its data on disk is closed cleanly) and resolves when its process has exited. */
  close(): Promise<void>;
}

/** Credentials for the emulator, which accepts any. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const EMULATOR_REGION = 'us-east-1';

const EMULATOR_PROCESS = fileURLToPath(new URL('./dynalite-process.ts', import.meta.url));
/** The child runs TypeScript as the local server does, whatever started the parent (tsx, vitest). */
const TYPESCRIPT_LOADER = import.meta.resolve('tsx');

export interface EmulatorExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
}

/** Starts dynalite on a free loopback port in a child process; on disk in `dataDir`, or in memory for `:memory:`. */
export async function startEmulator(dataDir: string): Promise<Emulator> {
  const child = fork(EMULATOR_PROCESS, dataDir === IN_MEMORY ? [] : ['--path', dataDir], {
    execArgv: ['--import', TYPESCRIPT_LOADER],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const exited = new Promise<EmulatorExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: EmulatorMessage) =>
      'port' in message ? resolve(message.port) : reject(new EmulatorStartError(`dynalite: ${message.error}`)),
    );
    child.once('error', reject);
    child.once('exit', (code) => reject(new EmulatorStartError(`dynalite exited before listening (code ${code})`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    exited,
    close: () => stop(child, exited),
  };
}

/** Asks the child to stop by disconnecting; kills it if it has not stopped within 10 s. */
async function stop(child: ChildProcess, exited: Promise<EmulatorExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
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
