/**
 * Renders src/generated/request-{body,params}-validators.ts (src/build/generate.ts writes them): ajv standalone code for exactly the request schemas
 * openapi-backend compiles from the spec (recorded through its own `customizeAjv` hook), so the Lambda compiles
 * nothing at start or on a first request; and src/generated/response-validators.ts, the same kind of code for each
 * operation's JSON responses, for the client package's optional answer check (the Lambda never loads it).
 */
import { Ajv, type Options } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { type Document, OpenAPIValidator } from 'openapi-backend';
import { AJV_OPTIONS, REQUEST_CONTEXTS, schemaKey } from '../api/precompiled-validators.js';

type StandaloneCode = (ajv: Ajv, refsOrFunc?: Record<string, string>) => string;
const standaloneCode = ((standalone as unknown as { default?: StandaloneCode }).default ??
  standalone) as unknown as StandaloneCode;
/** `body` and `params`: the request validators; `response`: the responses'. */
const fileFor = (name: string) => `${name === 'response' ? '' : 'request-'}${name}-validators.ts`;

/**
 * The schemas openapi-backend compiles for request validation, with the Ajv options it uses, by context; and for each
 * context, which operation each schema validates (`byOperation`: the client package reads a validator by operationId,
 * where the Lambda finds it by the schema's hash).
 */
function recordRequestSchemas(runtimeDocument: Document) {
  const recorded = new Map<
    string,
    { options: Options; schemas: Map<string, unknown>; byOperation: Map<string, string> }
  >();
  const compiled = new Map<unknown, { context: string; key: string }>();
  const validator = new OpenAPIValidator({
    definition: runtimeDocument,
    lazyCompileValidators: false,
    ajvOpts: AJV_OPTIONS,
    customizeAjv: (ajv, options, context) => {
      const entry = recorded.get(context) ?? {
        options: options as Options,
        schemas: new Map(),
        byOperation: new Map(),
      };
      recorded.set(context, entry);
      return {
        compile(schema: unknown) {
          const key = schemaKey(schema);
          entry.schemas.set(key, schema);
          const validate = ajv.compile(schema as object);
          compiled.set(validate, { context, key });
          return validate;
        },
      } as unknown as Ajv;
    },
  });
  for (const operation of validator.router.getOperations()) {
    const operationId = operation.operationId as string;
    for (const validate of validator.getRequestValidatorsForOperation(operationId) ?? []) {
      const found = compiled.get(validate);
      if (found) recorded.get(found.context)?.byOperation.set(operationId, found.key);
    }
  }
  return recorded;
}

/**
 * The validators' files, by file name, for the whole dereferenced document and the runtime document rendered from it
 * (src/build/generate-document.ts).
 */
export function renderValidators(openapiDocument: object, runtimeDocument: object): Record<string, string> {
  const recorded = recordRequestSchemas(runtimeDocument as Document);
  const files: Record<string, string> = {};
  for (const [name, context] of Object.entries(REQUEST_CONTEXTS)) {
    const entry = recorded.get(context);
    const ajv = new Ajv({ ...entry?.options, code: { source: true, esm: true } });
    const exports: Record<string, string> = {};
    for (const [key, schema] of entry?.schemas ?? []) {
      ajv.addSchema(schema as object, key);
      exports[`v_${key.replace(/-/g, '$')}`] = key;
    }
    const { imports, code } = moduleCode(ajv, exports);
    const table = Object.entries(exports)
      .map(([exported, key]) => `  ${JSON.stringify(key)}: ${exported},`)
      .join('\n');
    const byOperation = [...(entry?.byOperation ?? [])]
      .map(([operationId, key]) => `  ${JSON.stringify(operationId)}: v_${key.replace(/-/g, '$')},`)
      .join('\n');
    files[fileFor(name)] = [
      `// Generated from openapi/openapi.yaml by src/build/generate-validators.ts (\`npm run generate\`). Do not edit.`,
      '// @ts-nocheck',
      ...imports,
      code,
      '',
      `/** ${context} validators, by schemaKey(schema). */`,
      `export const validators = {\n${table}\n};`,
      '',
      `/** The same ${context} validators, by the operationId whose requests they check. */`,
      `export const byOperation = {\n${byOperation}\n};`,
      '',
    ].join('\n');
  }
  files[fileFor('response')] = renderResponseValidators(openapiDocument);
  return files;
}

/** ajv's standalone ESM code for `exports` (name → schema key), with its runtime helpers imported. */
function moduleCode(ajv: Ajv, exports: Record<string, string>): { imports: string[]; code: string } {
  let code = Object.keys(exports).length > 0 ? standaloneCode(ajv, exports) : '';
  // ajv's ESM output still require()s its runtime helpers (CommonJS modules exporting `default`): import them,
  // reading `default` whichever way the loader (Node, esbuild, vitest) presents a CommonJS default.
  const imports: string[] = [];
  code = code.replace(/require\("([^"]+)"\)\.default/g, (_match: string, path: string) => {
    const local = `runtime${imports.length}`;
    imports.push(`import * as ${local} from '${path}.js';`);
    return `(typeof ${local}.default === 'function' ? ${local}.default : ${local}.default.default)`;
  });
  return { imports, code: code.replace(/^"use strict";/, '') };
}

type ResponseObject = { content?: Record<string, { schema?: object }> };

/** Each operation's JSON response schemas compiled, by `METHOD path` and status. */
function renderResponseValidators(openapiDocument: object): string {
  // OpenAPI's keywords beside JSON Schema's (example, x-pattern-message) are annotations: not strict
  const ajv = new Ajv({ strict: false, code: { source: true, esm: true } });
  const exports: Record<string, string> = {};
  const rows: string[] = [];
  const paths = (openapiDocument as unknown as { paths: Record<string, Record<string, unknown>> }).paths;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const responses = (operation as { responses?: Record<string, ResponseObject> }).responses;
      if (!responses) continue;
      const statuses: string[] = [];
      for (const [status, response] of Object.entries(responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (!schema) continue;
        const key = schemaKey(schema);
        const name = `v_${key.replace(/-/g, '$')}`;
        if (!(name in exports)) {
          ajv.addSchema(schema, key);
          exports[name] = key;
        }
        statuses.push(`    ${JSON.stringify(status)}: ${name},`);
      }
      rows.push(`  ${JSON.stringify(`${method.toUpperCase()} ${path}`)}: {\n${statuses.join('\n')}\n  },`);
    }
  }
  const { imports, code } = moduleCode(ajv, exports);
  return [
    `// Generated from openapi/openapi.yaml by src/build/generate-validators.ts (\`npm run generate\`). Do not edit.`,
    '// @ts-nocheck',
    ...imports,
    code,
    '',
    "/** Each operation's JSON response validators, by `METHOD path` and status. */",
    `export const byOperation = {\n${rows.join('\n')}\n};`,
    '',
  ].join('\n');
}
