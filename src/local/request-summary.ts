/**
 * What the finishing step (src/api/finish-response.ts) is told of a request the local server answers before the request
 * handler does: its method, path and `Origin`, for CORS and the `request` log line.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestSummary } from '../api/finish-response.js';

/** A request Node parsed: its path as sent, without the query. */
export function summaryOf(request: IncomingMessage): RequestSummary {
  return {
    method: request.method ?? 'GET',
    path: pathOf(request.url ?? '/'),
    origin: request.headers.origin,
    started: performance.now(),
  };
}

/**
 * A request Node's parser gave up on, from the bytes it had: the request line, and an `Origin` header if it came
 * before the trouble, so that even this answer carries CORS and a log line.
 */
export function summaryOfPacket(packet: Buffer | undefined): RequestSummary {
  const text = packet?.toString('latin1', 0, 64 * 1024) ?? '';
  const [, method = '', target = ''] = /^(\S+) (\S+)/.exec(text) ?? [];
  const origin = /\r\norigin:[ \t]*([^\r\n]*?)[ \t]*\r\n/i.exec(text)?.[1];
  return { method, path: pathOf(target), origin, started: performance.now() };
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}
