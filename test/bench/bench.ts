/**
 * `npm run bench`: bundle size, cold start, warm overhead and local-server throughput of the Lambda handler,
 * against a hand-written floor (test/bench/floor-handler.ts) and openapi-backend used the default way
 * (test/bench/default-backend-handler.ts). A benchmark, not a test: it prints figures and ratios.
 *
 *   npm run bench                 everything
 *   BENCH_COLD_RUNS=31 BENCH_WARM_CALLS=200000 BENCH_LOAD_ROUNDS=5 npm run bench
 *   BENCH_ONLY=size,cold npm run bench   some parts only (size, cold, warm, store, load)
 *   BENCH_ONLY=instructions npm run bench   cold start in instructions (Valgrind; only when asked for, ≈ 10 s a run)
 *   PATH=/path/to/node24/bin:$PATH npm run bench   under another Node.js (every child process runs this one's node)
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Plugin } from 'esbuild';
import { createApiHandler } from '../../src/api/api-handler.js';
import { type CustomerStore, DynamoDbCustomerStore } from '../../src/api/customer-store.js';
import { createDynamoDbClient } from '../../src/api/dynamodb-client.js';
import { createLogger } from '../../src/api/logger.js';
import { MemoryCustomerStore } from '../../src/api/memory-customer-store.js';
import { bundleLambda, LAMBDA_ENTRY } from '../../src/build/bundle-lambda.js';
import { specPath } from '../../src/build/generate-document.js';
import { DEFAULT_LOCAL_API_KEY, readHandlerConfig } from '../../src/shared/config.js';
import { lambdaContext } from '../helpers/lambda-context.js';
import { proxyEvent, putEvent } from '../helpers/proxy-events.js';
import { randomPort, startServerProcess } from '../helpers/server-process.js';
import { createDefaultBackendHandler } from './default-backend-handler.js';
import { createFloorHandler, lowLevelStore } from './floor-handler.js';
import { startStubDynamoDb } from './stub-dynamodb.js';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 100_000);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const LOAD_ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const STORE_CALLS = Number(process.env.BENCH_STORE_CALLS ?? 3_000);
const INSTRUCTION_RUNS = Number(process.env.BENCH_INSTRUCTION_RUNS ?? 3);
const only = process.env.BENCH_ONLY?.split(',');
const wants = (part: string) => !only || only.includes(part);

const here = (file: string) => new URL(file, import.meta.url).pathname;
const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;

const getEvent = proxyEvent({ queryStringParameters: { id: 'cust-4f9a2c' } });
/** What the Lambda runtime passes beside the event (the data part: a fresh process cannot be handed functions). */
const coldContext = (({ getRemainingTimeInMillis, done, fail, succeed, ...data }) => data)(lambdaContext());
const putJsonEvent = putEvent(JSON.stringify({ id: 'cust-4f9a2c' }));

/** The Lambda's bundle with test/bench/plain-logger.ts in place of src/api/logger.ts (Powertools' Logger). */
const plainLoggerForPowertools: Plugin = {
  name: 'plain-logger',
  setup(build) {
    build.onResolve({ filter: /[\\/]logger\.js$/ }, ({ importer }) =>
      /[\\/]src[\\/]/.test(importer) ? { path: here('./plain-logger.ts') } : undefined,
    );
  },
};

async function buildBundles() {
  const dirs = {
    lambda: await mkdtemp(join(tmpdir(), 'bench-lambda-')),
    floor: await mkdtemp(join(tmpdir(), 'bench-floor-')),
    default: await mkdtemp(join(tmpdir(), 'bench-default-')),
    'lambda, plain logger': await mkdtemp(join(tmpdir(), 'bench-plain-logger-')),
  };
  await bundleLambda(dirs.lambda);
  await bundleLambda(dirs['lambda, plain logger'], LAMBDA_ENTRY, [plainLoggerForPowertools]);
  await bundleLambda(dirs.floor, here('./floor-handler.ts'));
  await bundleLambda(dirs.default, here('./default-backend-handler.ts'));
  await copyFile(specPath, join(dirs.default, 'openapi.yaml'));
  return dirs;
}

async function bundleSizes(dirs: Record<string, string>) {
  const size = async (dir: string) => (await stat(join(dir, 'index.mjs'))).size;
  const floor = await size(dirs.floor as string);
  const rows = [];
  for (const [name, dir] of Object.entries(dirs)) {
    const bytes = await size(dir);
    rows.push({ bundle: name, 'index.mjs': kib(bytes), 'vs floor': ratio(bytes, floor) });
  }
  console.log('\nBundle size (minified ESM, source map not counted)');
  console.table(rows);
}

/** The script a cold-start process runs: load the bundle (none: bare node), answer one GET, report its CPU time. */
function coldStartScript(bundleDir: string | undefined): string {
  return `${
    bundleDir
      ? `const m = await import(${JSON.stringify(pathToFileURL(join(bundleDir, 'index.mjs')).href)});
       const r = await m.handler(${JSON.stringify(getEvent)}, ${JSON.stringify(coldContext)});
       if (r.statusCode !== 200) { console.error(r); process.exit(1); }`
      : ''
  }
    const used = process.cpuUsage(); process.stderr.write('cpu ' + (used.user + used.system) / 1000 + '\\n');`;
}

/** The environment of a cold-start process, DynamoDB at `endpoint`. */
function coldStartEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // as deployed: one request line per invocation, in a Lambda-like environment
    LOG_LEVEL: 'info',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  };
}

/** One fresh process: load the bundle, answer one GET, exit. Wall milliseconds, and the process's CPU milliseconds. */
function coldStart(bundleDir: string | undefined, endpoint: string): Promise<{ wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--input-type=module', '-e', coldStartScript(bundleDir)], {
    env: coldStartEnv(endpoint),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = Number(/^cpu (\S+)$/m.exec(stderr)?.[1]);
      if (code === 0 && Number.isFinite(cpu)) resolve({ wall, cpu });
      else reject(new Error(`exit ${code}: ${stderr}`));
    }),
  );
}

const quartiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))] as number;
  return `${at(0.25).toFixed(2)}–${at(0.75).toFixed(2)}`;
};

/** The processes a cold start is taken of, alternated: bare node (no bundle), the floor, and the bundle's variants. */
const coldVariants = (dirs: Record<string, string>): [string, string | undefined][] => [
  ['bare node', undefined],
  ['floor', dirs.floor],
  ['dist/lambda', dirs.lambda],
  ['dist/lambda, plain logger', dirs['lambda, plain logger']],
];

async function coldStarts(dirs: Record<string, string>) {
  const stub = await startStubDynamoDb();
  const variants = [...coldVariants(dirs), ['openapi-backend default', dirs.default] as [string, string | undefined]];
  const runs = new Map<string, { wall: number; cpu: number }[]>(variants.map(([name]) => [name, []]));
  for (const [, dir] of variants) await coldStart(dir, stub.endpoint); // warm the file cache
  for (let run = 0; run < COLD_RUNS; run++) {
    // alternate the order so drift hits every variant alike
    const order = run % 2 ? [...variants].reverse() : variants;
    for (const [name, dir] of order) runs.get(name)?.push(await coldStart(dir, stub.endpoint));
  }
  stub.server.close();
  const of = (name: string, key: 'wall' | 'cpu') => (runs.get(name) ?? []).map((run) => run[key]);
  const floor = { wall: median(of('floor', 'wall')), cpu: median(of('floor', 'cpu')) };
  // each run's ratio to the floor in the same run: their middle half is the spread
  const perRun = (name: string, key: 'wall' | 'cpu') =>
    of(name, key).map((value, index) => value / (of('floor', key)[index] as number));
  console.log(
    `\nCold start: fresh process, load bundle, answer one GET (DynamoDB stubbed at the socket); median of ${COLD_RUNS} ` +
      'alternated runs, and the middle half of the per-run ratios to the floor (wall time, and CPU time of the process)',
  );
  console.table(
    variants.map(([name]) => ({
      variant: name,
      'wall ms': median(of(name, 'wall')).toFixed(1),
      'wall vs floor': ratio(median(of(name, 'wall')), floor.wall),
      'wall ratio IQR': quartiles(perRun(name, 'wall')),
      'CPU ms': median(of(name, 'cpu')).toFixed(1),
      'CPU vs floor': ratio(median(of(name, 'cpu')), floor.cpu),
      'CPU ratio IQR': quartiles(perRun(name, 'cpu')),
    })),
  );
}

/** Runs a command to its end; its stdout, or a rejection naming the command and its stderr. */
function run(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`)),
    ),
  );
}

/**
 * The cold-start process's instructions, counted by Valgrind (callgrind), in millions. A count varies by < 0.5 % from
 * run to run, and other work on the machine's cores does not change it; the one random part is left out: V8 (Node.js
 * 22 and later) searches random numbers for primes to seed its hash tables (`detail::sprp`, 5–13 M instructions).
 */
async function instructionCount(bundleDir: string | undefined, endpoint: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-callgrind-'));
  const out = join(dir, 'callgrind.out');
  try {
    await run(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '--input-type=module',
        '-e',
        coldStartScript(bundleDir),
      ],
      coldStartEnv(endpoint),
    );
    const annotated = await run('callgrind_annotate', ['--threshold=100', out]);
    const count = (pattern: RegExp) => Number(pattern.exec(annotated)?.[1]?.replaceAll(',', '') ?? 0);
    const total = count(/^\s*([\d,]+) \([^)]*\)\s+PROGRAM TOTALS/m);
    if (!total) throw new Error('callgrind_annotate printed no total');
    return (total - count(/^\s*([\d,]+) \([^)]*\)\s+\S*detail::sprp/m)) / 1e6;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function instructions(dirs: Record<string, string>) {
  const stub = await startStubDynamoDb();
  const variants = coldVariants(dirs);
  const counts = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < INSTRUCTION_RUNS; round++) {
    for (const [name, dir] of round % 2 ? [...variants].reverse() : variants) {
      counts.get(name)?.push(await instructionCount(dir, stub.endpoint));
    }
  }
  stub.server.close();
  const floor = median(counts.get('floor') ?? []);
  console.log(
    `\nCold start in instructions (Valgrind's callgrind, the cold-start process above; V8's random hash-seed prime ` +
      `search left out): median of ${INSTRUCTION_RUNS} alternated runs, millions`,
  );
  console.table(
    variants.map(([name]) => {
      const values = counts.get(name) ?? [];
      return {
        variant: name,
        'M instructions': median(values).toFixed(1),
        range: `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`,
        'vs floor': ratio(median(values), floor),
      };
    }),
  );
}

const WARM_ROUNDS = 10;

/** µs per call of `handler` over `calls` sequential calls: wall time, and this process's CPU time. */
async function timeCalls(
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
  event: APIGatewayProxyEvent,
  calls: number,
): Promise<{ wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const result = await handler(event);
    if (result.statusCode !== 200) throw new Error(`unexpected ${result.statusCode}: ${result.body}`);
  }
  const cpu = process.cpuUsage(cpuStarted);
  return { wall: Number(process.hrtime.bigint() - started) / 1e3 / calls, cpu: (cpu.user + cpu.system) / calls };
}

/** Drops the API's log lines at stdout (where Powertools' Logger writes them), so the benchmark's output stays readable. */
function discardLogLines(): void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    String(chunk).includes('"service":"customers-api"')
      ? true
      : write(chunk, ...(rest as []))) as typeof process.stdout.write;
}

async function warm() {
  const config = readHandlerConfig({});
  // DynamoDB answers at once, without the SDK: the SDK's own ~300 µs per call (the same in all three) would
  // drown the differences being measured in its noise.
  // holding the id the calls name: the lookup finds it
  const store = () => new MemoryCustomerStore(['cust-4f9a2c']);
  const handlers = {
    floor: createFloorHandler(store()),
    'dist/lambda code': createApiHandler({ config, store: store(), logger: createLogger('silent') }),
    'openapi-backend default': await createDefaultBackendHandler(store(), specPath),
    // what the deployed default (LOG_LEVEL=info) adds: one JSON log line per request, formatted and handed to
    // stdout by Powertools as in the Lambda, and dropped there (discardLogLines)
    'dist/lambda code + request log': createApiHandler({ config, store: store(), logger: createLogger('info') }),
  };
  discardLogLines();
  type Sample = { wall: number; cpu: number };
  const samples: Record<string, { get: Sample[]; put: Sample[] }> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    samples[name] = { get: [], put: [] };
    await timeCalls(handler, getEvent, 5_000); // JIT warm-up
    await timeCalls(handler, putJsonEvent, 5_000);
  }
  // Rounds alternate the handlers so machine noise hits each alike; the median round counts.
  const perRound = Math.ceil(WARM_CALLS / WARM_ROUNDS);
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (const [name, handler] of Object.entries(handlers)) {
      samples[name]?.get.push(await timeCalls(handler, getEvent, perRound));
      samples[name]?.put.push(await timeCalls(handler, putJsonEvent, perRound));
    }
  }
  const floor = samples.floor as { get: Sample[]; put: Sample[] };
  /** Median over the floor, and the middle half of the per-round differences (each round has both). */
  const over = (values: Sample[], base: Sample[], key: keyof Sample) => {
    const differences = values.map((value, index) => value[key] - (base[index] as Sample)[key]).sort((a, b) => a - b);
    const at = (q: number) => (differences[Math.round(q * (differences.length - 1))] as number).toFixed(1);
    const middle = median(values.map((value) => value[key])) - median(base.map((value) => value[key]));
    return `${middle >= 0 ? '+' : ''}${middle.toFixed(1)} (${at(0.25)}–${at(0.75)})`;
  };
  console.log(
    `\nWarm: µs per call, median of ${WARM_ROUNDS} alternated rounds, ${WARM_ROUNDS * perRound} calls each ` +
      '(the store answers at once: no SDK, no I/O; logging off but in the last row); CPU time of this process, ' +
      'and wall time; over the floor with the middle half of the per-round differences',
  );
  console.table(
    Object.entries(samples).map(([name, { get, put }]) => ({
      handler: name,
      'GET CPU µs': median(get.map((sample) => sample.cpu)).toFixed(1),
      'GET CPU over floor': over(get, floor.get, 'cpu'),
      'GET wall over floor': over(get, floor.get, 'wall'),
      'PUT CPU µs': median(put.map((sample) => sample.cpu)).toFixed(1),
      'PUT CPU over floor': over(put, floor.put, 'cpu'),
      'PUT wall over floor': over(put, floor.put, 'wall'),
    })),
  );
}

const STORE_ROUNDS = 10;

/**
 * CPU per GetItem/PutItem of the store's document client (@aws-sdk/lib-dynamodb) against the low-level client,
 * with and without the SDK's `cacheMiddleware` (which the document client refuses), sequential calls to a stub
 * DynamoDB in this process. CPU (user + system, the stub's included, the same for all) rather than wall time.
 */
async function storeCpu() {
  const stub = await startStubDynamoDb();
  const options = {
    ...readHandlerConfig({}),
    endpoint: stub.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const cached = createDynamoDbClient(options);
  // the same client with the SDK's middleware cache on (read on every send), as the store had it before
  cached.config.cacheMiddleware = true;
  const plain = createDynamoDbClient(options);
  const documents = createDynamoDbClient(options);
  const stores: Record<string, CustomerStore> = {
    'low-level client + cacheMiddleware': lowLevelStore(cached, 'customer_ids'),
    'low-level client': lowLevelStore(plain, 'customer_ids'),
    'document client (the store)': new DynamoDbCustomerStore(documents, 'customer_ids'),
  };
  const cpuPerCall = async (call: () => Promise<unknown>, calls: number) => {
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i++) await call();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / calls;
  };
  const samples: Record<string, { get: number[]; put: number[] }> = {};
  for (const [name, store] of Object.entries(stores)) {
    samples[name] = { get: [], put: [] };
    await cpuPerCall(() => store.exists('cust-4f9a2c'), 300); // JIT warm-up, connections
    await cpuPerCall(() => store.put('cust-4f9a2c'), 300);
  }
  const perRound = Math.ceil(STORE_CALLS / STORE_ROUNDS);
  for (let round = 0; round < STORE_ROUNDS; round++) {
    const order = round % 2 ? Object.entries(stores).reverse() : Object.entries(stores);
    for (const [name, store] of order) {
      samples[name]?.get.push(await cpuPerCall(() => store.exists('cust-4f9a2c'), perRound));
      samples[name]?.put.push(await cpuPerCall(() => store.put('cust-4f9a2c'), perRound));
    }
  }
  for (const client of [cached, plain, documents]) client.destroy();
  stub.server.close();
  const base = samples['low-level client + cacheMiddleware'] as { get: number[]; put: number[] };
  console.log(
    `\nStore: CPU µs per call (user + system, the in-process stub DynamoDB included), median of ${STORE_ROUNDS} ` +
      `alternated rounds, ${STORE_ROUNDS * perRound} calls each`,
  );
  const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
  console.table(
    Object.entries(samples).map(([name, { get, put }]) => ({
      store: name,
      'GET µs': Math.round(median(get)),
      'GET range': range(get),
      'GET vs cached': `${Math.round(median(get) - median(base.get))}`,
      'PUT µs': Math.round(median(put)),
      'PUT range': range(put),
      'PUT vs cached': `${Math.round(median(put) - median(base.put))}`,
    })),
  );
}

interface LoadRequest {
  readonly path: string;
  readonly method?: 'PUT';
  readonly body?: string;
}

/** The fields of autocannon's JSON report that are printed. */
interface LoadResult {
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly errors: number;
  readonly non2xx: number;
}

/**
 * autocannon (its CLI, JSON report) in a fresh process at 50 connections: the load generator does not share this
 * process's heap and event loop, which the other benchmarks have worked.
 */
function runAutocannon(baseUrl: string, request: LoadRequest, seconds: number): Promise<LoadResult> {
  // Every request carries the key npm start accepts by default, as every client of the API must.
  const args = [AUTOCANNON_CLI, '-c', '50', '-d', String(seconds), '-j', '-H', `x-api-key=${DEFAULT_LOCAL_API_KEY}`];
  if (request.method) args.push('-m', request.method);
  if (request.body !== undefined) args.push('-H', 'content-type=application/json', '-b', request.body);
  args.push(`${baseUrl}${request.path}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => {
    report += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(report) as LoadResult) : reject(new Error(`autocannon exited with ${code}`)),
    ),
  );
}

async function localServer() {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-data-'));
  const { child, url } = await startServerProcess({ port: randomPort(), dataDir });
  const requests = {
    GET: { path: '/customers?id=cust-4f9a2c' },
    PUT: { path: '/customers', method: 'PUT' as const, body: JSON.stringify({ id: 'cust-4f9a2c' }) },
  };
  const run = (request: LoadRequest, seconds = LOAD_SECONDS) => runAutocannon(url, request, seconds);
  await run(requests.PUT, 3); // warm-up (JIT, connections, the item written)
  await run(requests.GET, 3);
  // Rounds alternate GET and PUT so that the machine's drift hits both alike; the median round counts.
  const results: Record<keyof typeof requests, LoadResult[]> = { GET: [], PUT: [] };
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    for (const name of ['GET', 'PUT'] as const) results[name].push(await run(requests[name]));
  }
  child.kill('SIGINT');
  console.log(
    `\nLocal server (npm start on dynalite, on disk): 50 connections, ${LOAD_ROUNDS} alternated rounds of ` +
      `${LOAD_SECONDS} s (autocannon in a process of its own); median round, and the range over the rounds`,
  );
  const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`;
  console.table(
    Object.entries(results).map(([name, rounds]) => {
      const throughput = rounds.map((r) => Math.round(r.requests.average));
      const p99 = rounds.map((r) => r.latency.p99);
      return {
        request: name,
        'req/s': median(throughput),
        'req/s range': range(throughput),
        'p50 ms': median(rounds.map((r) => r.latency.p50)),
        'p99 ms': median(p99),
        'p99 range': range(p99),
        errors: rounds.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
      };
    }),
  );
}

console.log(`customers-api benchmarks — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
// instructions: only when asked for by name (Valgrind is slow: ≈ 10 s a run)
const countInstructions = only?.includes('instructions') ?? false;
const dirs = wants('size') || wants('cold') || countInstructions ? await buildBundles() : {};
if (wants('size')) await bundleSizes(dirs);
if (wants('cold')) await coldStarts(dirs);
if (countInstructions) await instructions(dirs);
if (wants('warm')) await warm();
if (wants('store')) await storeCpu();
if (wants('load')) await localServer();
