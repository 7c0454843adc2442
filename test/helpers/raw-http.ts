/**
 * HTTP/1.1 over a bare TCP socket: send any bytes, read back every response the server wrote until it closed the
 * connection (or went quiet). For requests no HTTP client would send.
 */
import { connect } from 'node:net';
import { expect } from 'vitest';

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawExchange {
  /** Every complete response, in order (a `100 Continue` included). */
  readonly responses: RawResponse[];
  /** Bytes after the last complete response (should be none). */
  readonly rest: string;
  /** Whether the server closed the connection (rather than the wait running out). */
  readonly closed: boolean;
}

/** Sends `bytes` and collects what comes back until the server closes, or `quietMs` pass without a byte. */
export function exchange(url: string, bytes: Buffer | string, quietMs = 1500): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponses(Buffer.concat(chunks), closed));
    };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    };
    socket.on('connect', () => {
      quiet();
      // A server may answer and close before reading everything: that is an answer, not a test failure.
      socket.write(bytes, () => {});
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      quiet();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') reject(error);
    });
    socket.on('close', () => {
      closed = true;
      done();
    });
  });
}

function parseResponses(all: Buffer, closed: boolean): RawExchange {
  const responses: RawResponse[] = [];
  let text = all.toString('latin1');
  for (;;) {
    const headEnd = text.indexOf('\r\n\r\n');
    if (headEnd === -1) break;
    const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
    if (Number.isNaN(status)) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    // Without a Content-Length (an HTTP/1.0-style answer) the body runs until the connection closes.
    const untilClose = closed && headers['content-length'] === undefined ? text.length - headEnd - 4 : Number.NaN;
    const length = status === 100 || status === 204 ? 0 : Number(headers['content-length'] ?? untilClose);
    if (Number.isNaN(length) || text.length < headEnd + 4 + length) break;
    const body = Buffer.from(text.slice(headEnd + 4, headEnd + 4 + length), 'latin1').toString('utf8');
    responses.push({ status, headers, body });
    text = text.slice(headEnd + 4 + length);
  }
  return { responses, rest: text, closed };
}

/** An error answer in the API's shape: JSON with a string `message`, and nothing else but `errors`. */
export function expectApiError(response: RawResponse | undefined, status: number, message?: RegExp): void {
  expect(response?.status).toBe(status);
  expect(response?.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response?.body ?? '') as Record<string, unknown>;
  expect(typeof body.message).toBe('string');
  expect(Object.keys(body).filter((key) => key !== 'message' && key !== 'errors')).toEqual([]);
  if (message) expect(body.message).toMatch(message);
}
