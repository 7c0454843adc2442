/**
 * Writes src/generated/openapi-document.ts: openapi/openapi.yaml parsed and dereferenced at build time, so the
 * Lambda neither bundles a YAML parser nor resolves `$ref`s at cold start.
 *
 *   tsx src/codegen/generate-document.ts          write the file
 *   tsx src/codegen/generate-document.ts --check  fail when the file is stale
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dereference } from '@apidevtools/json-schema-ref-parser';
import { parse } from 'yaml';

export const specPath = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));
const outputPath = fileURLToPath(new URL('../generated/openapi-document.ts', import.meta.url));

/** The spec as a plain object, `$ref`s resolved. */
export async function loadDereferencedSpec(): Promise<Record<string, unknown>> {
  const spec = parse(await readFile(specPath, 'utf8')) as Record<string, unknown>;
  return (await dereference(structuredClone(spec))) as Record<string, unknown>;
}

async function render(): Promise<string> {
  const document = await loadDereferencedSpec();
  // JSON.parse of a string literal is faster for V8 to load than the same object as a JS literal.
  return [
    '// Generated from openapi/openapi.yaml by src/codegen/generate-document.ts (`npm run generate`). Do not edit.',
    "import type { Document } from 'openapi-backend';",
    '',
    `export const openapiDocument = JSON.parse(${JSON.stringify(JSON.stringify(document))}) as Document;`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const expected = await render();
  if (process.argv.includes('--check')) {
    const actual = await readFile(outputPath, 'utf8').catch(() => '');
    if (actual !== expected) {
      console.error(`${outputPath} is stale: run \`npm run generate\` and commit the result.`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(outputPath, expected);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
