/**
 * `npm run build:client [-- --release-tag client-v<version>] [-- --repository <url>]`: the typed client
 * (src/client/client.ts) as a package others install, in dist/client/: ES-module JavaScript (esbuild) and declarations
 * (the TypeScript compiler) that stand on their own, `openapi-fetch` its only dependency, versioned as the spec's
 * `info.version`. With `--release-tag` (the release workflow passes the pushed tag) it refuses a tag that does not
 * name that version, before writing anything.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import ts from 'typescript';
import { openapiDocument } from '../generated/openapi-document.js';
import { leanOpenApiBackend, lodashFromEsToolkit } from './bundle-lambda.js';

export const CLIENT_PACKAGE_NAME = '@customers-api/client';
export const CLIENT_OUTDIR = fileURLToPath(new URL('../../dist/client', import.meta.url));
/** The prefix of the git tag that releases the client: `client-v1.2.3` publishes version 1.2.3. */
export const RELEASE_TAG_PREFIX = 'client-v';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT_ENTRY = fileURLToPath(new URL('../client/client.ts', import.meta.url));
const MSW_ENTRY = fileURLToPath(new URL('../client/client-msw.ts', import.meta.url));
const SOURCE_ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGE_README = fileURLToPath(new URL('./client-package/README.md', import.meta.url));
const DEPENDENCY = 'openapi-fetch';
/** The MSW handlers' one import, which the frontend has installed for its tests. */
const MSW = 'msw';
/**
 * What the client bundle may take in: the client, its retries, the key header's one home (its constant only;
 * esbuild drops the rest), the API's own id check (the Lambda's precompiled body validator, the API's wording of
 * its errors and the one ajv runtime helper the validator calls) and the optional answer check (the responses'
 * precompiled validators), nothing else of this repository.
 */
const CLIENT_SOURCES = [
  'src/client/client.ts',
  'src/client/retry.ts',
  'src/shared/api-key-scheme.ts',
  'src/client/validators.ts',
  'src/api/validation-errors.ts',
  'src/generated/request-body-validators.ts',
  'node_modules/ajv/dist/runtime/ucs2length.js',
  'src/client/answer-check.ts',
  'src/generated/response-validators.ts',
];
/**
 * The declarations shipped, by where the compiler writes them (the folders of src/) and where the package has them
 * (flat beside the bundles, the generated types in generated/); the MSW handlers' are their public surface alone.
 */
const DECLARATIONS = new Map([
  ['client/client.d.ts', 'client.d.ts'],
  ['client/retry.d.ts', 'retry.d.ts'],
  ['client/validators.d.ts', 'validators.d.ts'],
  ['client/answer-check.d.ts', 'answer-check.d.ts'],
  ['generated/response-examples.d.ts', 'generated/response-examples.d.ts'],
  ['client/client-msw.d.ts', 'client-msw.d.ts'],
  ['generated/openapi-types.d.ts', 'generated/openapi-types.d.ts'],
]);
const shim = (name: string) => fileURLToPath(new URL(`./shims/${name}`, import.meta.url));

/** The spec's `info.version`: the client's version, since the client is the spec's paths and nothing else. */
export function specVersion(): string {
  return (openapiDocument as unknown as { info: { version: string } }).info.version;
}

/** Refuses a release tag that is not `client-v<the spec's version>`, naming both and the fix. */
export function checkReleaseTag(tag: string, version: string = specVersion()): void {
  if (tag !== `${RELEASE_TAG_PREFIX}${version}`) {
    throw new Error(
      `release tag '${tag}' does not match the spec's info.version ${version}: ` +
        `tag the commit ${RELEASE_TAG_PREFIX}${version}, or change info.version in openapi/openapi.yaml first`,
    );
  }
}

export interface ClientPackageOptions {
  /** Where the package is written (emptied first). @default dist/client */
  readonly outdir?: string;
  /** The repository's URL for package.json (npm's provenance checks it against the workflow's repository). */
  readonly repository?: string;
}

/** Writes the package into `outdir` and returns its package.json. */
export async function buildClientPackage(options: ClientPackageOptions = {}): Promise<Record<string, unknown>> {
  const outdir = options.outdir ?? CLIENT_OUTDIR;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await bundleJavaScript(outdir);
  await bundleMswHandlers(outdir);
  emitDeclarations(outdir);
  const manifest = await packageJson(options.repository);
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(PACKAGE_README, join(outdir, 'README.md'));
  return manifest;
}

/** client.js: src/client/client.ts with only `openapi-fetch` left to import (its generated imports are types only). */
async function bundleJavaScript(outdir: string): Promise<void> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    outfile: join(outdir, 'client.js'),
    bundle: true,
    external: [DEPENDENCY],
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  // Anything else bundled would be this repository's code shipped by accident.
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(REPO_ROOT, join(REPO_ROOT, input)));
  if (inputs.sort().join() !== [...CLIENT_SOURCES].sort().join())
    throw new Error(`the client bundle took in more than ${CLIENT_SOURCES.join(' and ')}: ${inputs}`);
}

/**
 * node:crypto, asked only for SHA-256 (the precompiled validators' lookup, the gateway's key digests), by a stand-in
 * that runs anywhere; and ajv as the gateway layer imports it, for the stand-in that compiles nothing: the imported
 * definition has the gateway validate parameters only, never a body against a model.
 */
const portableMswHandlers: Plugin = {
  name: 'portable-msw-handlers',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: shim('sha256-node-crypto.mjs') }));
    build.onResolve({ filter: /^ajv$/ }, ({ importer }) =>
      /[\\/]src[\\/]local[\\/]gateway[\\/]/.test(importer) ? { path: shim('ajv-precompiled-only.cjs') } : undefined,
    );
  },
};

/**
 * client-msw.js: the local gateway layer and the API's own request handler (routing, the precompiled validators,
 * errors, CORS) for MSW, in browsers and Node alike: the Lambda's trims (no ajv compiler, no OpenAPIBackend class, no
 * qs, no lodash), a portable SHA-256, and a Buffer for the handler's base64 bodies. Returns the bundle's inputs (esbuild's metafile).
 */
export async function bundleMswHandlers(outdir: string): Promise<string[]> {
  const result = await build({
    entryPoints: [MSW_ENTRY],
    outfile: join(outdir, 'client-msw.js'),
    bundle: true,
    external: [MSW],
    format: 'esm',
    platform: 'browser',
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    inject: [shim('buffer-global.mjs')],
    plugins: [leanOpenApiBackend, lodashFromEsToolkit, portableMswHandlers],
  });
  return Object.keys(result.metafile.inputs);
}

/** A browser bundle's size: minified bytes, and gzipped. */
export interface BundleSize {
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * What a frontend's browser bundle (esbuild, minified) takes from the package in `packageDir` for each use: the client
 * alone, with the id check, with the answer check, and the MSW handlers (msw itself left out: the app has it either way).
 */
export async function measureBrowserBundles(packageDir: string): Promise<Record<BrowserUse, BundleSize>> {
  const sizes = {} as Record<BrowserUse, BundleSize>;
  for (const [use, contents] of Object.entries(BROWSER_USES) as [BrowserUse, string][]) {
    const result = await build({
      stdin: { contents, resolveDir: packageDir, loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      minify: true,
      legalComments: 'none',
      external: [MSW],
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      logLevel: 'silent',
    });
    const text = result.outputFiles[0]?.contents ?? new Uint8Array();
    sizes[use] = { bytes: text.length, gzipBytes: gzipSync(text).length };
  }
  return sizes;
}

/** Each use measured, as an app imports it. */
const BROWSER_USES = {
  client: "export { createCustomersClient } from './client.js';",
  'client + checkCustomerId': "export { createCustomersClient, checkCustomerId } from './client.js';",
  'client + answerCheck': "export { createCustomersClient, answerCheck } from './client.js';",
  handlers: "export { createCustomersMock } from './client-msw.js';",
} as const;
export type BrowserUse = keyof typeof BROWSER_USES;

/**
 * client.d.ts, retry.d.ts, client-msw.d.ts and generated/openapi-types.d.ts, importing only each other,
 * `openapi-fetch` and `msw`; the declarations of what the MSW handlers bundle are not shipped.
 */
function emitDeclarations(outdir: string): void {
  const program = ts.createProgram([CLIENT_ENTRY, MSW_ENTRY], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: outdir,
    rootDir: SOURCE_ROOT,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    strict: true,
    skipLibCheck: true,
    // the handler the MSW bundle takes in reads Node's Buffer (injected there); no shipped declaration names it
    types: ['node'],
  });
  const { diagnostics } = program.emit(undefined, (file, text) => {
    const shipped = DECLARATIONS.get(relative(outdir, file).split('\\').join('/'));
    // client/'s declarations move up a folder: their one import of this repository's files moves with them
    if (shipped) ts.sys.writeFile(join(outdir, shipped), text.replaceAll("from '../generated/", "from './generated/"));
  });
  const errors = [...ts.getPreEmitDiagnostics(program), ...diagnostics];
  if (errors.length > 0) {
    const host = {
      getCanonicalFileName: (f: string) => f,
      getCurrentDirectory: () => REPO_ROOT,
      getNewLine: () => '\n',
    };
    throw new Error(`the client's declarations did not compile:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

async function packageJson(repository: string | undefined): Promise<Record<string, unknown>> {
  const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    license: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  return {
    name: CLIENT_PACKAGE_NAME,
    version: specVersion(),
    description: 'Typed client for the customers API, generated from its OpenAPI document (openapi-fetch).',
    license: root.license,
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { types: './client.d.ts', default: './client.js' },
      './msw': { types: './client-msw.d.ts', default: './client-msw.js' },
    },
    types: './client.d.ts',
    files: [
      'client.js',
      'client.d.ts',
      'retry.d.ts',
      'validators.d.ts',
      'answer-check.d.ts',
      'client-msw.js',
      'client-msw.d.ts',
      'generated/',
      'README.md',
    ],
    dependencies: { [DEPENDENCY]: root.dependencies[DEPENDENCY] },
    // only `@customers-api/client/msw` needs it, in the frontend's tests
    peerDependencies: { [MSW]: root.devDependencies[MSW] },
    peerDependenciesMeta: { [MSW]: { optional: true } },
    ...(repository ? { repository: { type: 'git', url: repository } } : {}),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { 'release-tag': { type: 'string' }, repository: { type: 'string' } },
  });
  try {
    if (values['release-tag'] !== undefined) checkReleaseTag(values['release-tag']);
    const manifest = await buildClientPackage({ ...(values.repository ? { repository: values.repository } : {}) });
    process.stdout.write(`dist/client written: ${manifest.name}@${manifest.version}\n`);
  } catch (error) {
    process.stderr.write(`build:client: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
