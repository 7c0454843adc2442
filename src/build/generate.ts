/**
 * `npm run generate`: everything in src/generated/, rendered from one spec in one process, in order: the types
 * (openapi-typescript), the documents (generate-document.ts), the validators (generate-validators.ts, from the
 * documents just rendered) and the definition API Gateway imports (generate-gateway-definition.ts). Another spec and
 * another folder can be given: test/build/adding-an-operation.test.ts generates a copy of the spec with one more
 * operation into a temporary folder with this same code.
 *
 *   tsx src/build/generate.ts                              write src/generated/ from openapi/openapi.yaml
 *   tsx src/build/generate.ts --check                      fail when a file there is stale
 *   tsx src/build/generate.ts --spec <file> --out <folder> another spec, another folder
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { loadDereferencedSpec, renderDocuments, specPath } from './generate-document.js';
import { renderGatewayDefinition } from './generate-gateway-definition.js';
import { renderValidators } from './generate-validators.js';
import { writeOrCheck } from './generated-files.js';
import { toRuntimeDocument } from './runtime-document.js';

/** Where `npm run generate` writes. */
export const generatedFolder = fileURLToPath(new URL('../generated', import.meta.url));

/** openapi-typescript's module for the spec at `path`, as its CLI (`openapi-typescript <spec> -o <file>`) writes it. */
export async function renderTypes(path: string): Promise<string> {
  return `${COMMENT_HEADER}${astToString(await openapiTS(pathToFileURL(path)))}`;
}

/** Every generated file for the spec at `spec`, by file name. */
export async function renderGenerated(spec: string = specPath): Promise<Record<string, string>> {
  const document = await loadDereferencedSpec(spec);
  // both documents as the generated modules hold them (JSON), for the validators
  const asWritten = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const runtime = asWritten(toRuntimeDocument(document as Parameters<typeof toRuntimeDocument>[0]));
  return {
    'openapi-types.ts': await renderTypes(spec),
    ...renderDocuments(document),
    ...renderValidators(asWritten(document), runtime),
    'gateway-definition.ts': renderGatewayDefinition(document),
  };
}

/** Renders the spec at `spec` into `out` (or with `check`, fails when a file there differs). */
export async function generate(
  options: { spec?: string; out?: string; check?: boolean } = {},
): Promise<Record<string, string>> {
  const files = await renderGenerated(options.spec);
  const out = options.out ?? generatedFolder;
  await writeOrCheck(
    Object.fromEntries(Object.entries(files).map(([name, text]) => [join(out, name), text])),
    options.check ? ['--check'] : [],
  );
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const value = (flag: string) => {
    const at = process.argv.indexOf(flag);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  await generate({
    ...(value('--spec') ? { spec: value('--spec') } : {}),
    ...(value('--out') ? { out: value('--out') } : {}),
    check: process.argv.includes('--check'),
  });
}
