/**
 * Renders openapi/openapi.yaml parsed and dereferenced at build time, so that nothing bundles a YAML parser or
 * resolves `$ref`s at cold start (src/build/generate.ts writes them):
 * - src/generated/openapi-document.ts: the whole document (the CDK, the docs and the tests);
 * - src/generated/runtime-document.ts: what the Lambda routes and validates with (src/build/runtime-document.ts);
 * - src/generated/response-examples.ts: each operation's JSON response examples by status and name, typed as they are
 *   (the MSW mock's overrides answer with them; a name the spec lacks is a compile error).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dereference } from '@apidevtools/json-schema-ref-parser';
import { parse } from 'yaml';
import { toRuntimeDocument } from './runtime-document.js';

export const specPath = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/** The spec (openapi/openapi.yaml unless `path` names another) as a plain object, `$ref`s resolved. */
export async function loadDereferencedSpec(path: string = specPath): Promise<Record<string, unknown>> {
  const spec = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  return (await dereference(structuredClone(spec))) as Record<string, unknown>;
}

function renderModule(exported: string, document: unknown, comment: string): string {
  // JSON.parse of a string literal is faster for V8 to load than the same object as a JS literal.
  return [
    '// Generated from openapi/openapi.yaml by src/build/generate-document.ts (`npm run generate`). Do not edit.',
    `// ${comment}`,
    "import type { Document } from 'openapi-backend';",
    '',
    `export const ${exported} = JSON.parse(${JSON.stringify(JSON.stringify(document))}) as Document;`,
    '',
  ].join('\n');
}

type MediaType = { example?: unknown; examples?: Record<string, { value: unknown }> };
type Operations = Record<string, Record<string, { operationId?: string; responses?: Record<string, Response> }>>;
type Response = { content?: Record<string, MediaType> };

/**
 * `{ operationId: { status: { name: value } } }` for every JSON response example; a single `example` is named
 * `example`. Written as a literal (not JSON.parse) so that its type carries every name and value.
 */
export function responseExamplesOf(document: { paths?: Operations }): Record<string, Record<string, object>> {
  const result: Record<string, Record<string, object>> = {};
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !operation.operationId) continue;
      const byStatus: Record<string, object> = {};
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = response.content?.['application/json'];
        if (!media) continue;
        const named = media.examples
          ? Object.fromEntries(Object.entries(media.examples).map(([name, example]) => [name, example.value]))
          : media.example === undefined
            ? {}
            : { example: media.example };
        if (Object.keys(named).length > 0) byStatus[status] = named;
      }
      result[operation.operationId] = byStatus;
    }
  }
  return result;
}

function renderExamples(document: Record<string, unknown>): string {
  return [
    '// Generated from openapi/openapi.yaml by src/build/generate-document.ts (`npm run generate`). Do not edit.',
    "// Each operation's JSON response examples, by status and name ('example' for a single `example`).",
    '',
    `export const responseExamples = ${JSON.stringify(responseExamplesOf(document), null, 2)} as const;`,
    '',
  ].join('\n');
}

/** The files of the dereferenced `document`, by file name: the whole document, the runtime document, the examples. */
export function renderDocuments(document: Record<string, unknown>): Record<string, string> {
  return {
    'response-examples.ts': renderExamples(document),
    'openapi-document.ts': renderModule('openapiDocument', document, 'The whole document, $refs resolved.'),
    'runtime-document.ts': renderModule(
      'runtimeDocument',
      toRuntimeDocument(document as Parameters<typeof toRuntimeDocument>[0]),
      'What the Lambda routes and validates requests with: no prose, examples or responses.',
    ),
  };
}
