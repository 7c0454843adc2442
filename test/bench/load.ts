/**
 * `npm run bench:load`: concurrent GETs and PUTs against the local server (npm start, on dynalite, data on disk)
 * for a bounded time; then every acknowledged PUT must be readable. A benchmark, not a timed test.
 *
 *   LOAD_SECONDS=15 LOAD_CONNECTIONS=50 npm run bench:load
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { LOCAL_KEY_HEADERS } from '../helpers/http.js';
import { randomPort, startServerProcess } from '../helpers/server-process.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);

const dataDir = await mkdtemp(join(tmpdir(), 'customers-api-load-'));
const { child: server, url: base } = await startServerProcess({ port: randomPort(), dataDir });
const acknowledged = new Set<string>();
const statuses: Record<string, number> = {};

const result = await new Promise<autocannon.Result>((resolve, reject) => {
  autocannon(
    {
      url: base,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'PUT',
          path: '/customers',
          headers: { ...LOCAL_KEY_HEADERS, 'content-type': 'application/json' },
          setupRequest: (request, context) => {
            const id = `load-${randomUUID()}`;
            (context as { id?: string }).id = id;
            return { ...request, body: JSON.stringify({ id }) };
          },
          onResponse: (status, _body, context) => {
            statuses[`PUT ${status}`] = (statuses[`PUT ${status}`] ?? 0) + 1;
            if (status === 200) acknowledged.add((context as { id: string }).id);
          },
        },
        {
          method: 'GET',
          headers: { ...LOCAL_KEY_HEADERS },
          setupRequest: (request, context) => ({ ...request, path: `/customers?id=${(context as { id: string }).id}` }),
          onResponse: (status) => {
            statuses[`GET ${status}`] = (statuses[`GET ${status}`] ?? 0) + 1;
          },
        },
      ],
    },
    (error, outcome) => (error ? reject(error) : resolve(outcome)),
  );
});

// Every acknowledged write must be readable, 50 at a time.
const ids = [...acknowledged];
let missing = 0;
for (let index = 0; index < ids.length; index += 50) {
  const answers = await Promise.all(
    ids.slice(index, index + 50).map(
      async (id) =>
        (await (await fetch(`${base}/customers?id=${id}`, { headers: LOCAL_KEY_HEADERS })).json()) as {
          customerInDB: boolean;
        },
    ),
  );
  missing += answers.filter((answer) => answer.customerInDB !== true).length;
}
server.kill('SIGINT');
await rm(dataDir, { recursive: true, force: true });

const errors = result.errors + result.timeouts + result.non2xx;
console.log(
  `\nLoad: ${CONNECTIONS} connections, ${SECONDS} s, alternating PUT (new id) and GET (that id), npm start on dynalite (on disk)`,
);
console.table([
  {
    'req/s': Math.round(result.requests.average),
    requests: result.requests.total,
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    errors,
    'acknowledged PUTs': acknowledged.size,
    'missing afterwards': missing,
  },
]);
console.log('statuses:', statuses);
if (errors > 0 || missing > 0) {
  console.error('FAILED: errors or lost writes');
  process.exitCode = 1;
}
