/**
 * Where the contract suite runs: the local server (default, started and stopped by the suite), or any deployed
 * stage (`API_URL=https://…/prod`).
 */
import { startTestServer } from '../helpers/local-server.js';

export type TargetKind = 'local' | 'deployed';

export interface Target {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Known before the suite starts, so cases can be skipped by target at collection time. */
export function targetKind(env: NodeJS.ProcessEnv = process.env): TargetKind {
  return env.API_URL?.trim() ? 'deployed' : 'local';
}

/** Whether the target keeps state (PUT then GET reads it back). Only a real backend does. */
export function isStateful(kind: TargetKind): boolean {
  return kind === 'local' || kind === 'deployed';
}

export async function startTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (targetKind(env) === 'deployed') {
    const baseUrl = (env.API_URL ?? '').trim().replace(/\/+$/, '');
    return { baseUrl, close: async () => {} };
  }
  const server = await startTestServer();
  return { baseUrl: server.url, close: () => server.close() };
}
