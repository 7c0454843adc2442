/**
 * The lines a logger writes, read the way Powertools documents for tests: with `POWERTOOLS_DEV` set, its Logger
 * writes through the global `console`, which is spied on here (and silenced). Call it before creating the logger
 * (the Logger picks its console when it is built); `vi.restoreAllMocks()` and `vi.unstubAllEnvs()` undo it.
 */
import { vi } from 'vitest';

export interface LogCapture {
  /** Each line, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Each line as written. */
  readonly raw: string[];
  /** The `request` lines. */
  requestLines(): Record<string, unknown>[];
}

export function captureLogLines(): LogCapture {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  for (const method of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((text: unknown) => {
      raw.push(String(text));
      lines.push(JSON.parse(String(text)));
    });
  }
  return { lines, raw, requestLines: () => lines.filter((line) => line.message === 'request') };
}
