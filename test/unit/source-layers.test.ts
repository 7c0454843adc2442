/**
 * The folders of src/ are the architecture (README, "Architecture"): each entry point's code in its own folder, and
 * imports that run only downwards. A type-only import runs nothing (TypeScript erases it), so it is not counted:
 * the generated gateway definition names its type from the local gateway layer that reads it.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * What each folder's code may import at run time, besides its own folder and npm packages; outside src/, only build
 * tools may import (infra/'s definitions, which they generate from and publish), and nothing imports test/.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  generated: [],
  shared: ['generated'],
  api: ['shared', 'generated'],
  'release-check': ['shared', 'generated'],
  ops: ['shared', 'generated'],
  local: ['api', 'shared', 'generated'],
  client: ['local', 'api', 'shared', 'generated'],
  build: ['client', 'local', 'api', 'release-check', 'ops', 'shared', 'generated', '../infra'],
  types: [],
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The relative specifiers a module imports at run time: static imports and re-exports not marked `type`, and `import()`. */
function runtimeImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.importClause?.namedBindings;
      const onlyTypes =
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly) &&
        node.importClause?.name === undefined;
      if (!onlyTypes) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((specifier) => specifier.startsWith('.'));
}

/** The folder of src/ a file is in, or `../<top-level folder>` outside src/. */
const folderOf = (file: string): string => {
  const parts = relative(SRC, file).split(sep);
  return (parts[0] === '..' ? `../${parts[1]}` : parts[0]) ?? '';
};

describe('the layout of src/', () => {
  it('has each file in one of the named folders, and no folder the layers do not name', async () => {
    const folders = new Set((await sourceFiles(SRC)).map(folderOf));
    expect([...folders].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it('imports only downwards: no code runs an import of a folder above its own', async () => {
    const upwards: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const from = folderOf(file);
      for (const specifier of runtimeImports(file, await readFile(file, 'utf8'))) {
        const to = folderOf(join(dirname(file), specifier));
        if (to !== from && !MAY_IMPORT[from]?.includes(to)) upwards.push(`${relative(SRC, file)} → ${specifier}`);
      }
    }
    expect(upwards).toEqual([]);
  });

  it('sees an import that runs, and lets a type-only one pass', () => {
    const text = [
      "import { a } from '../local/a.js';",
      "import type { B } from '../local/b.js';",
      "import { type C } from '../local/c.js';",
      "export { d } from '../api/d.js';",
      "const e = await import('../build/e.js');",
    ].join('\n');
    expect(runtimeImports('x.ts', text)).toEqual(['../local/a.js', '../api/d.js', '../build/e.js']);
  });

  it('mutates the request path by folder (stryker.config.mjs): a new module there is mutated without an edit', async () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const strykerConfig = (await import(pathToFileURL(join(repo, 'stryker.config.mjs')).href)) as {
      default: { mutate: string[] };
      REQUEST_PATH_FOLDERS: string[];
      NOT_MUTATED_YET: string[];
    };
    const { default: config, REQUEST_PATH_FOLDERS: folders, NOT_MUTATED_YET: notYet } = strykerConfig;
    // every folder named holds modules; every module left out exists, in one of them (else the list is stale)
    const stale: string[] = [];
    for (const folder of folders) {
      const modules = await sourceFiles(join(repo, folder)).catch(() => []);
      if (modules.length === 0) stale.push(`${folder}: no module to mutate`);
    }
    for (const file of notYet) {
      const inFolder = folders.some((folder) => file.startsWith(`${folder}/`));
      const exists = await access(join(repo, file)).then(
        () => true,
        () => false,
      );
      if (!inFolder || !exists) stale.push(`${file}: left out, but ${exists ? 'not in a mutated folder' : 'missing'}`);
    }
    expect(folders).toContain('src/api');
    expect(stale).toEqual([]);
    expect(config.mutate).toEqual([
      ...folders.map((folder) => `${folder}/**/*.ts`),
      ...notYet.map((file) => `!${file}`),
    ]);
  });
});
