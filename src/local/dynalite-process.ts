/**
 * The embedded DynamoDB's own process (started by src/local/embedded-dynamodb.ts with `fork`): dynalite on a free
 * loopback port, reported to the parent over IPC. Serving DynamoDB in a process of its own lets it run on another
 * core than the API server (BENCHMARKS.md has what that was worth under load).
 *
 * It lives exactly as long as its parent wants it: it stops (closing LevelDB cleanly) when the parent disconnects,
 * exits or is killed, and it ignores the Ctrl-C that the terminal sends to the whole process group, so that the
 * parent's in-flight requests can finish before it asks DynamoDB to stop.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { Level } from 'level';

/** What the parent is told once: where DynamoDB listens, or why it could not start. */
export type EmulatorMessage =
  | { readonly port: number }
  | { readonly error: string; readonly reason?: 'data-folder-in-use' };

/** The parent passes `--path <dir>` for data on disk; without it, data is kept in memory. */
function dataPathFromArguments(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--path');
  return index >= 0 ? argv[index + 1] : undefined;
}

/**
 * Whether another process has the LevelDB in `path` open (LevelDB allows one at a time). dynalite opens it lazily and
 * fails every request with "Database is closed" if it cannot, so the folder is tried here first.
 */
async function heldByAnotherProcess(path: string): Promise<boolean> {
  const db = new Level(path);
  try {
    await db.open();
    return false;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') return true;
    throw error;
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const send = (message: EmulatorMessage) => process.send?.(message);
  if (!process.send) throw new Error('dynalite-process must be started by the local server (fork), not directly');
  process.on('SIGINT', () => {});
  const path = dataPathFromArguments(process.argv.slice(2));
  if (path) {
    await mkdir(path, { recursive: true });
    if (await heldByAnotherProcess(path)) {
      send({ error: `the data folder ${path} is in use by another process`, reason: 'data-folder-in-use' });
      process.exit(1);
    }
  }
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  process.once('disconnect', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  });
  server.once('error', (error: Error) => {
    send({ error: error.message });
    process.exit(1);
  });
  server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port }));
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
