/**
 * The README is what a newcomer reads first: it stays short (≤ 12,000 bytes), its links lead somewhere, and every
 * `curl` example of "Try it" answers, from the real local server, exactly what the README says it answers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/local/server.js';
import { call } from '../helpers/http.js';
import { startTestServer } from '../helpers/local-server.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README_MAX_BYTES = 12_000;
const DOCUMENTED_BASE_URL = 'http://localhost:3000';
/** The Markdown files that orient a reader: the README and the two it sends readers to for depth. */
const GUIDES = ['README.md', 'infra/README.md', 'test/README.md'];

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** One `curl` line of the README and the JSON answer written under it. */
interface CurlExample {
  readonly command: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly expected: unknown;
}

/** The fenced `sh` block under a `## heading` of the README. */
function shellBlockUnder(heading: string): string {
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error(`README.md has no sh block under "## ${heading}"`);
  return block;
}

/** Splits a shell command into words: plain words and single-quoted strings, as the README writes them. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** Reads the curl options the README uses; any other option fails the test, so this parser keeps up with it. */
function parseCurl(command: string, expected: unknown): CurlExample {
  const [program, ...words] = shellWords(command);
  expect(program, command).toBe('curl');
  let method = 'GET';
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    const next = () => {
      index++;
      return words[index] ?? '';
    };
    if (word === '-X') method = next();
    else if (word === '-d') body = next();
    else if (word === '-H') {
      const [name = '', ...value] = next().split(':');
      headers[name.trim()] = value.join(':').trim();
    } else if (!word.startsWith('-')) url = word;
    else throw new Error(`README example uses a curl option this test does not read: ${word} in ${command}`);
  }
  if (url === undefined) throw new Error(`README example without a URL: ${command}`);
  if (body !== undefined && method === 'GET') method = 'POST'; // curl's own default with -d
  return { command, method, url, headers, body, expected };
}

/** Each `curl …` line followed by a `# <json>` line: the example and what it answers. */
function curlExamples(block: string): CurlExample[] {
  const lines = block.split('\n');
  const examples: CurlExample[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith('curl ')) return;
    const answer = lines[index + 1]?.match(/^# (\{.*\})$/)?.[1];
    if (answer === undefined) throw new Error(`README example without its answer on the next line: ${line}`);
    examples.push(parseCurl(line, JSON.parse(answer)));
  });
  return examples;
}

describe('README.md', () => {
  it(`is at most ${README_MAX_BYTES.toLocaleString('en')} bytes`, () => {
    expect(Buffer.byteLength(readme, 'utf8')).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it.each(GUIDES)('%s links only to files that exist', (guide) => {
    const text = readFileSync(join(REPO_ROOT, guide), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length, `${guide} has relative links`).toBeGreaterThan(0);
    const missing = targets.filter((target) => !existsSync(join(REPO_ROOT, dirname(guide), target)));
    expect(missing).toEqual([]);
  });
});

describe('README.md "Try it" examples, against the local server', () => {
  const examples = curlExamples(shellBlockUnder('Try it'));
  let server: LocalServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('has examples that each show their answer', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) expect(example.url.startsWith(DOCUMENTED_BASE_URL), example.command).toBe(true);
  });

  // In order: the README's examples build on each other (the first PUT creates, the second finds it there).
  it('answers each example, in order, exactly as the README shows', async () => {
    for (const example of examples) {
      const response = await call(example.url.replace(DOCUMENTED_BASE_URL, server.url), {
        method: example.method,
        headers: example.headers,
        ...(example.body === undefined ? {} : { body: example.body }),
      });
      expect(response.body, example.command).toEqual(example.expected);
    }
  });
});
