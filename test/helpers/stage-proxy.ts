/**
 * A reverse proxy that serves an API under a base path, as API Gateway serves a stage (`/prod/customers`) or a
 * custom domain its base path: a request under the prefix is forwarded with the prefix stripped, bytes unchanged;
 * any other path is answered 403 `{"message":"Forbidden"}`, as API Gateway answers a path outside every stage.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StageProxy {
  /** The API's base URL through the proxy: `http://127.0.0.1:<port><basePath>`. */
  readonly url: string;
  /** Requests received so far, under the base path or not (what a per-address rate limit in front would count). */
  readonly requests: number;
  close(): Promise<void>;
}

export interface StageProxyOptions {
  /**
   * Checks parameters before the key, the order AWS leaves undocumented that the local server does not take: a
   * `GET` whose `id` is missing or empty is forwarded with this valid key, so it meets the parameter check (400)
   * whatever key it carried.
   */
  readonly parametersBeforeKey?: { readonly validKey: string };
}

export async function startStageProxy(
  targetUrl: string,
  basePath: string,
  options: StageProxyOptions = {},
): Promise<StageProxy> {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) throw new Error(`basePath must look like /prod, got ${basePath}`);
  const target = new URL(targetUrl);
  let requests = 0;
  const server = createServer((incoming, outgoing) => {
    requests++;
    const path = incoming.url ?? '/';
    const under = path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`);
    if (!under) {
      incoming.resume();
      outgoing.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"Forbidden"}');
      return;
    }
    const query = new URL(path, 'http://stage').searchParams;
    const parameterFirst =
      options.parametersBeforeKey && incoming.method === 'GET' && !query.get('id')
        ? { 'x-api-key': options.parametersBeforeKey.validKey }
        : {};
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: path.slice(basePath.length) || '/',
        headers: { ...incoming.headers, host: target.host, ...parameterFirst },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'Content-Type': 'application/json' });
      outgoing.end('{"message":"Bad gateway"}');
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
