/**
 * Builds the Lambda artifacts that are deployed: dist/lambda/index.mjs (the API; exports `handler`) and its source
 * map, and dist/pre-traffic-check/index.mjs (CodeDeploy's pre-traffic hook, src/release-check/pre-traffic-check.ts).
 * `npm run build` runs it; the CDK stack deploys the folders built by these same functions.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BuildResult, build, type Plugin } from 'esbuild';

export const LAMBDA_ENTRY = fileURLToPath(new URL('../api/lambda.ts', import.meta.url));
export const LAMBDA_OUTDIR = fileURLToPath(new URL('../../dist/lambda', import.meta.url));
export const PRE_TRAFFIC_CHECK_ENTRY = fileURLToPath(new URL('../release-check/pre-traffic-check.ts', import.meta.url));
export const PRE_TRAFFIC_CHECK_OUTDIR = fileURLToPath(new URL('../../dist/pre-traffic-check', import.meta.url));

const shim = (name: string) => fileURLToPath(new URL(`./shims/${name}`, import.meta.url));

/**
 * Leaves out of the bundle the parts of openapi-backend the Lambda never runs: the OpenAPIBackend class (required
 * by its validator only for an enum), Ajv's compiler (every request validator is precompiled) and qs (the router
 * is given query maps, never query strings). test/integration/lambda-bundle.test.ts runs the bundle.
 */
export const leanOpenApiBackend: Plugin = {
  name: 'lean-openapi-backend',
  setup(build) {
    const fromOpenApiBackend = (importer: string) => /[\\/]openapi-backend[\\/]/.test(importer);
    build.onResolve({ filter: /^\.\/backend$/ }, ({ importer }) =>
      fromOpenApiBackend(importer) ? { path: shim('openapi-backend-set-match-type.cjs') } : undefined,
    );
    build.onResolve({ filter: /^ajv$/ }, ({ importer }) =>
      fromOpenApiBackend(importer) ? { path: shim('ajv-precompiled-only.cjs') } : undefined,
    );
    build.onResolve({ filter: /^qs$/ }, ({ importer }) =>
      fromOpenApiBackend(importer) ? { path: shim('qs-flat.cjs') } : undefined,
    );
  },
};

/**
 * Gives openapi-backend the few lodash functions it calls from es-toolkit/compat instead of the whole of lodash
 * (src/build/shims/lodash-from-es-toolkit.mjs). Exported so that a test can bundle openapi-backend with it alone.
 */
export const lodashFromEsToolkit: Plugin = {
  name: 'lodash-from-es-toolkit',
  setup(build) {
    build.onResolve({ filter: /^lodash$/ }, ({ importer }) =>
      /[\\/]openapi-backend[\\/]/.test(importer) ? { path: shim('lodash-from-es-toolkit.mjs') } : undefined,
    );
  },
};

/**
 * Bundles `entry` (the Lambda by default; the benchmarks bundle their baselines the same way) into `outdir`. The
 * Lambda's bundle leaves out what it never runs; `plugins` come first (a benchmark variant swaps a module).
 */
export async function bundleLambda(
  outdir: string = LAMBDA_OUTDIR,
  entry: string = LAMBDA_ENTRY,
  plugins: readonly Plugin[] = [],
): Promise<BuildResult<{ metafile: true }>> {
  await rm(outdir, { recursive: true, force: true });
  return build({
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // The AWS SDK's ES-module builds tree-shake better and load faster than its CommonJS ones.
    mainFields: ['module', 'main'],
    minify: true,
    // Written beside the bundle; Node reads it only with --enable-source-maps (NODE_OPTIONS), never at start.
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [...plugins, ...(entry === LAMBDA_ENTRY ? [leanOpenApiBackend, lodashFromEsToolkit] : [])],
    // CommonJS dependencies inside an ES-module bundle still call require().
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
}

/** Bundles the pre-traffic check into its own folder, the same way; the API's bundle is not touched. */
export function bundlePreTrafficCheck(
  outdir: string = PRE_TRAFFIC_CHECK_OUTDIR,
): Promise<BuildResult<{ metafile: true }>> {
  return bundleLambda(outdir, PRE_TRAFFIC_CHECK_ENTRY);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = { 'dist/lambda': bundleLambda(), 'dist/pre-traffic-check': bundlePreTrafficCheck() };
  for (const [folder, built] of Object.entries(results)) {
    const { metafile } = await built;
    const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
    process.stdout.write(`${folder} written (${(bytes / 1024).toFixed(1)} KiB with source map)\n`);
  }
}
