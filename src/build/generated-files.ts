/**
 * What every code generator of `npm run generate` does with the files it renders: write them, or with `--check`
 * (`npm run generate:check`) fail when a file on disk differs from what the spec renders now.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** Writes each file (path → content), or with `--check` in `argv` reports each stale one and sets a failing exit. */
export async function writeOrCheck(
  files: Readonly<Record<string, string>>,
  argv: readonly string[] = process.argv,
): Promise<void> {
  const check = argv.includes('--check');
  for (const [path, expected] of Object.entries(files)) {
    if (!check) {
      await writeFile(path, expected);
    } else if ((await readFile(path, 'utf8').catch(() => '')) !== expected) {
      console.error(`${path} is stale: run \`npm run generate\` and commit the result.`);
      process.exitCode = 1;
    }
  }
}
