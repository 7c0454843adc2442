/**
 * The local server's embedded DynamoDB (the emulator): dynalite, a DynamoDB wire-protocol server on LevelDB, in a
 * child process of its own (src/local/dynalite-process.ts). Not started when the user configured an endpoint of
 * their own (DynamoDB Local, or real DynamoDB).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IN_MEMORY } from '../shared/config.js';
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
  constructor(
    message: string,
    /** Set when the data folder is held by another process (another `npm start`). */
    readonly reason?: 'data-folder-in-use',
  ) {
    super(message);
  }
}

/** Starts dynalite on a free loopback port in a child process; on disk in `dataDir`, or in memory for `:memory:`. */
export async function startEmulator(dataDir: string): Promise<Emulator> {
  const child = fork(EMULATOR_PROCESS, dataDir === IN_MEMORY ? [] : ['--path', dataDir], {
    execArgv: ['--import', TYPESCRIPT_LOADER],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<EmulatorExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: EmulatorMessage) =>
      'port' in message ? resolve(message.port) : reject(new EmulatorStartError(message.error, message.reason)),
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
