import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { OpenAPIRouter, OpenAPIValidator, type Operation } from 'openapi-backend';
import * as utilsModule from 'openapi-backend/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, lodashFromEsToolkit } from '../../src/build/bundle-lambda.js';

/** The stand-in is plain JavaScript without types (esbuild reads it as is): read here as a record of functions. */
const standInPath = '../../src/build/shims/lodash-from-es-toolkit.mjs';
const standIn: Record<string, unknown> & { chain(value: unknown): object } = await import(standInPath);

/**
 * The Lambda bundle gives openapi-backend es-toolkit/compat in place of lodash. These tests fail when openapi-backend
 * starts using a lodash function the stand-in lacks, or when it answers anything differently with the stand-in.
 */
const require = createRequire(import.meta.url);
const backendDir = dirname(require.resolve('openapi-backend'));

/** How an openapi-backend file (compiled CommonJS) binds lodash: `const _ = __importStar(require("lodash"))`. */
const LODASH_BINDING = /\bconst (\w+) = (?:__importStar\()?require\("lodash"\)\)?;/;

/** Every openapi-backend file in the real Lambda bundle that takes lodash, with the name it binds lodash to. */
let bundledUsers: { file: string; binding: string; source: string }[];
let lambdaOutdir: string;

beforeAll(async () => {
  lambdaOutdir = await mkdtemp(join(tmpdir(), 'lodash-stand-in-lambda-'));
  const { metafile } = await bundleLambda(lambdaOutdir);
  bundledUsers = Object.entries(metafile.inputs)
    .filter(
      ([input, { imports }]) => /[\\/]openapi-backend[\\/]/.test(input) && imports.some((i) => i.original === 'lodash'),
    )
    .map(([input, { imports }]) => {
      const lodash = imports.find((imported) => imported.original === 'lodash');
      if (!lodash?.path.endsWith('lodash-from-es-toolkit.mjs')) throw new Error(`${input} was given ${lodash?.path}`);
      const source = readFileSync(input, 'utf8');
      const binding = LODASH_BINDING.exec(source)?.[1];
      if (!binding) throw new Error(`${input} imports lodash in a way this test does not read`);
      return { file: basename(input), binding, source };
    });
}, 60_000);

afterAll(async () => {
  await rm(lambdaOutdir, { recursive: true, force: true });
});

/** Every property of lodash a source reads: called (`_.get(`), chained (`_.chain(`) or passed by reference (`_.isNil`). */
function lodashUses({ binding, source }: { binding: string; source: string }): string[] {
  return [...source.matchAll(new RegExp(`(?<![\\w$.])${binding}\\.(\\w+)`, 'g'))].map((match) => match[1] as string);
}

describe('the lodash stand-in', () => {
  it('is given to every openapi-backend file of the Lambda bundle that takes lodash', () => {
    expect(bundledUsers.map(({ file }) => file).sort()).toEqual(
      expect.arrayContaining(['router.js', 'utils.js', 'validation.js']),
    );
  });

  it('has every lodash function those files use, called or passed by reference', () => {
    const used = new Set(bundledUsers.flatMap(lodashUses));
    expect(used).toContain('isNil'); // passed by reference to omitBy in validation.js: seen too
    expect([...used].filter((name) => typeof standIn[name] !== 'function')).toEqual([]);
  });

  it('sees a use by reference, as well as a call', () => {
    expect(lodashUses({ binding: '_', source: 'x = _.omitBy(o, _.isNil); y = a_.b; z = $_.c;' })).toEqual([
      'omitBy',
      'isNil',
    ]);
  });

  it('supports every method openapi-backend calls on a lodash chain', () => {
    const chained = new Set<string>();
    for (const { binding, source } of bundledUsers) {
      for (const start of source.matchAll(new RegExp(`${binding}\\.chain\\(`, 'g'))) {
        const end = source.indexOf('.value()', start.index);
        const span = source.slice(start.index, end + '.value()'.length);
        for (const call of span.matchAll(/\n\s*\.(\w+)\(/g)) chained.add(call[1] as string);
      }
    }
    expect(chained).toContain('value');
    const wrapper = standIn.chain([]) as unknown as Record<string, unknown>;
    expect([...chained].filter((method) => typeof wrapper[method] !== 'function')).toEqual([]);
  });
});

/** A spec that reaches the lodash calls our own spec does not: templated paths, path-level, header and cookie parameters. */
const definition = {
  openapi: '3.0.3',
  info: { title: 'pets', version: '1' },
  paths: {
    '/pets/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: {
        operationId: 'getPet',
        parameters: [
          { name: 'fields', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'x-trace', in: 'header', required: true, schema: { type: 'string', minLength: 2 } },
          { name: 'session', in: 'cookie', schema: { type: 'string' } },
        ],
        responses: {
          200: {
            description: 'a pet',
            headers: { 'X-Rate': { schema: { type: 'integer' } } },
            content: {
              'application/json': {
                schema: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
              },
            },
          },
          default: {
            description: 'error',
            content: { 'application/json': { schema: { type: 'object', required: ['message'] } } },
          },
        },
      },
      delete: { operationId: 'deletePet', responses: { 204: { description: 'gone' } } },
    },
    '/owners/{owner}/pets/{pet}': {
      get: { operationId: 'getOwnersPet', responses: { 200: { description: 'a pet' } } },
    },
    '/owners/me/pets/{pet}': { get: { operationId: 'getOwnPet', responses: { 200: { description: 'mine' } } } },
    '/pets/mine': { get: { operationId: 'getMyPet', responses: { 200: { description: 'mine' } } } },
    '/pets': {
      post: {
        operationId: 'addPet',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
            },
          },
        },
        responses: { 201: { description: 'added' } },
      },
    },
  },
};

const requests = [
  { method: 'GET', path: '/pets/mine', headers: {} },
  {
    method: 'GET',
    path: '/pets/12',
    query: { fields: ['a', 'b'] },
    headers: { 'X-Trace': 'abc', Cookie: 'session=s1; other=2' },
  },
  { method: 'GET', path: '/pets/12', query: 'fields=a', headers: { 'x-trace': 'abc' } },
  { method: 'GET', path: '/pets/twelve', headers: { 'X-Trace': 'a' } },
  { method: 'GET', path: '/pets/12', headers: {} },
  { method: 'DELETE', path: '/pets/12', headers: {} },
  { method: 'PUT', path: '/pets/12', headers: {} },
  { method: 'POST', path: '/pets', headers: { 'Content-Type': 'application/json' }, body: { name: 'Rex' } },
  { method: 'POST', path: '/pets', headers: { 'Content-Type': 'application/json' }, body: '{"name": 1' },
  { method: 'POST', path: '/pets', headers: { 'Content-Type': 'application/json' }, body: { name: 5 } },
  { method: 'GET', path: '/nowhere', headers: {} },
  { method: 'GET', path: '/owners/me/pets/3', headers: {} },
  { method: 'GET', path: '/owners/you/pets/3', headers: {} },
];

interface StatusCodeUtils {
  findStatusCodeMatch(status: number, responses: Record<string, string>): unknown;
  findDefaultStatusCodeMatch(responses: Record<string, string>): unknown;
}

interface Backend {
  OpenAPIRouter: typeof OpenAPIRouter;
  OpenAPIValidator: typeof OpenAPIValidator;
  /** openapi-backend/utils.js: its CommonJS `exports.default` reaches us nested to a depth that depends on the loader. */
  OpenAPIUtils: unknown;
}

function statusCodeUtils(module: unknown): StatusCodeUtils {
  let candidate = module as Partial<StatusCodeUtils> & { default?: unknown };
  while (typeof candidate.findStatusCodeMatch !== 'function' && candidate.default) {
    candidate = candidate.default as typeof candidate;
  }
  return candidate as StatusCodeUtils;
}

/** Everything the router, validator and utils answer for the requests above, as plain data. */
function answers({ OpenAPIRouter, OpenAPIValidator, OpenAPIUtils: utils }: Backend) {
  const OpenAPIUtils = statusCodeUtils(utils);
  const router = new OpenAPIRouter({ definition: structuredClone(definition) as never });
  const validator = new OpenAPIValidator({ definition: structuredClone(definition) as never, router });
  const attempt = (run: () => unknown) => {
    try {
      return { value: run() };
    } catch (error) {
      return { thrown: String(error) };
    }
  };
  return {
    operations: router.getOperations(),
    perRequest: requests.map((request) => {
      const operation = router.matchOperation(structuredClone(request) as never) as Operation | undefined;
      return {
        operation: operation?.operationId ?? null,
        strict: attempt(
          () => (router.matchOperation(structuredClone(request) as never, true) as Operation | undefined)?.operationId,
        ),
        parsed: operation ? router.parseRequest(structuredClone(request) as never, operation as never) : null,
        validated: operation
          ? JSON.parse(JSON.stringify(validator.validateRequest(structuredClone(request) as never, operation as never)))
          : null,
      };
    }),
    responses: [
      [{ id: 1 }, 200],
      [{ id: 'x' }, 200],
      [{}, 500],
      [{ message: 'no' }, 404],
    ].map(([body, status]) => JSON.parse(JSON.stringify(validator.validateResponse(body, 'getPet', status as number)))),
    responseHeaders: [{ 'X-Rate': '5' }, { 'x-rate': 'many' }].map((headers) =>
      JSON.parse(JSON.stringify(validator.validateResponseHeaders(headers, 'getPet', { statusCode: 200 }))),
    ),
    statusMatches: [
      OpenAPIUtils.findStatusCodeMatch(201, { 200: 'ok', '2XX': 'range', default: 'd' }),
      OpenAPIUtils.findDefaultStatusCodeMatch({ 201: 'created', 204: 'none' }),
      OpenAPIUtils.findDefaultStatusCodeMatch({ default: 'd' }),
    ],
  };
}

let bundled: Backend;
let outdir: string;

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'lodash-stand-in-'));
  const entry = join(outdir, 'entry.mjs');
  await writeFile(
    entry,
    "export { OpenAPIRouter, OpenAPIValidator } from 'openapi-backend';\n" +
      "export { default as OpenAPIUtils } from 'openapi-backend/utils.js';\n",
  );
  await build({
    entryPoints: [entry],
    outfile: join(outdir, 'backend.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    nodePaths: [dirname(backendDir)],
    plugins: [lodashFromEsToolkit],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'error',
  }).then((result) => {
    // the stand-in, not lodash, is what router.js, validation.js and utils.js were given
    for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
      if (!/openapi-backend[\\/](router|validation|utils)\.js$/.test(input)) continue;
      const lodash = imports.find((imported) => imported.original === 'lodash');
      if (!lodash?.path.endsWith('lodash-from-es-toolkit.mjs')) throw new Error(`${input} was given ${lodash?.path}`);
    }
  });
  bundled = await import(pathToFileURL(join(outdir, 'backend.mjs')).href);
}, 60_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

describe('openapi-backend with the lodash stand-in', () => {
  it('routes, parses and validates exactly as with lodash', () => {
    const expected = answers({ OpenAPIRouter, OpenAPIValidator, OpenAPIUtils: utilsModule });
    expect(expected.perRequest.map((answer) => answer.operation)).toEqual([
      'getMyPet',
      'getPet',
      'getPet',
      'getPet',
      'getPet',
      'deletePet',
      null,
      'addPet',
      'addPet',
      'addPet',
      null,
      'getOwnPet',
      'getOwnersPet',
    ]);
    expect(answers(bundled)).toEqual(expected);
  });
});
