/** Undo what a test set up, after each test, last first: processes, servers, temporary folders. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface Cleanups {
  /** Runs `cleanup` after the current test. */
  defer(cleanup: () => unknown): void;
  /** A new empty folder, removed after the current test. */
  tempDir(prefix?: string): Promise<string>;
}

/** Call once at the top of a test file. */
export function cleanupsAfterEach(): Cleanups {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    defer: (cleanup) => {
      cleanups.push(cleanup);
    },
    async tempDir(prefix = 'customers-api-') {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
