/**
 * The workflow that publishes the typed client (.github/workflows/release-client.yml; actionlint runs on it with every
 * workflow in deploy-workflow.test.ts): it runs on a `client-v*` tag only, refuses a tag that does not name the
 * spec's version before publishing (its build step is run here for real, with a wrong tag), and publishes
 * dist/client with provenance, signed with the workflow's OIDC identity.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkReleaseTag, RELEASE_TAG_PREFIX, specVersion } from '../../src/build/build-client.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RELEASE = '.github/workflows/release-client.yml';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

async function releaseWorkflow() {
  const workflow = parse(await readFile(`${REPO_ROOT}${RELEASE}`, 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
  };
  const job = workflow.jobs.publish;
  if (!job) throw new Error(`${RELEASE} has no publish job`);
  const index = (match: (step: Step) => boolean) => job.steps.findIndex(match);
  return {
    workflow,
    job,
    build: index((step) => step.run?.startsWith('npm run build:client') ?? false),
    test: index((step) => step.run === 'npm run test:client'),
    publish: index((step) => step.run?.startsWith('npm publish') ?? false),
  };
}

describe('the client release workflow', () => {
  it(`runs on a pushed ${RELEASE_TAG_PREFIX}* tag, and on nothing else`, async () => {
    const { workflow } = await releaseWorkflow();
    expect(workflow.on).toEqual({ push: { tags: [`${RELEASE_TAG_PREFIX}*`] } });
  });

  it('may sign with its OIDC identity (id-token: write) in the publish job only, and read the code', async () => {
    const { workflow, job } = await releaseWorkflow();
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('builds with the pushed tag checked, tests the package, then publishes dist/client with provenance', async () => {
    const { job, build, test, publish } = await releaseWorkflow();
    expect([build, test, publish].every((index) => index >= 0)).toBe(true);
    expect([build, test, publish]).toEqual([build, test, publish].sort((a, b) => a - b));
    expect(job.steps[build]?.run).toContain('--release-tag "$GITHUB_REF_NAME"');
    expect(job.steps[publish]?.run).toBe('npm publish ./dist/client --provenance --access public');
    expect(job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({
      'registry-url': 'https://registry.npmjs.org',
    });
  });

  it("refuses, in its own build step run by bash, a tag that is not the spec's version", async () => {
    const { job, build } = await releaseWorkflow();
    const wrongTag = `${RELEASE_TAG_PREFIX}${specVersion()}1`;

    const failure = await promisify(execFile)('bash', ['-e', '-c', job.steps[build]?.run ?? 'false'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        GITHUB_REF_NAME: wrongTag,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
      },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`release tag '${wrongTag}' does not match the spec's info.version`);
  });
});

describe('the release tag check', () => {
  it("accepts client-v<the spec's info.version>", () => {
    expect(() => checkReleaseTag(`${RELEASE_TAG_PREFIX}${specVersion()}`)).not.toThrow();
  });

  it.each(['v1.0.0', 'client-1.0.0', 'client-v1.0', 'client-v1.0.0-rc.1', 'client-v1.0.01', 'client-v2.0.0'])(
    'refuses %s for a spec at 1.0.0, naming the tag to push instead',
    (tag) => {
      expect(() => checkReleaseTag(tag, '1.0.0')).toThrow(/tag the commit client-v1\.0\.0/);
    },
  );
});
