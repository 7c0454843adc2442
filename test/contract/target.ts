/**
 * Where the contract suite runs: the local server (default, started and stopped by the suite), the Prism mock
 * (`CONTRACT_TARGET=mock`, started and stopped by the suite), or any deployed stage (`API_URL=https://…/prod`).
 */
import { startTestServer } from '../helpers/local-server.js';
import { startPrismMock } from '../helpers/prism.js';

export type TargetKind = 'local' | 'mock' | 'deployed';

export interface Target {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Known before the suite starts, so cases can be skipped by target at collection time. */
export function targetKind(env: NodeJS.ProcessEnv = process.env): TargetKind {
  if (env.API_URL?.trim()) return 'deployed';
  if (env.CONTRACT_TARGET === 'mock') return 'mock';
  if (env.CONTRACT_TARGET && env.CONTRACT_TARGET !== 'local') {
    throw new Error(`CONTRACT_TARGET must be local or mock (or set API_URL), got '${env.CONTRACT_TARGET}'`);
  }
  return 'local';
}

/**
 * Whether the target is a real backend: it keeps state (PUT then GET), echoes the id, and says exactly what was
 * wrong. The mock answers every valid request with the spec's examples and every invalid one with the first
 * documented error example of its status; for what it cannot do, see test/mock.
 */
export function isRealBackend(kind: TargetKind): boolean {
  return kind !== 'mock';
}

export async function startTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (targetKind(env) === 'deployed') {
    const baseUrl = (env.API_URL ?? '').trim().replace(/\/+$/, '');
    return { baseUrl, close: async () => {} };
  }
  if (targetKind(env) === 'mock') {
    const mock = await startPrismMock();
    return { baseUrl: mock.url, close: () => mock.close() };
  }
  const server = await startTestServer();
  return { baseUrl: server.url, close: () => server.close() };
}
