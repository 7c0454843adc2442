/**
 * The real headless Chromium the browser tests drive through playwright-core (Debian's `chromium` package, not a
 * Playwright download). Where it is missing, tests skip loudly; on CI (CI=true) they fail instead.
 */
import { existsSync } from 'node:fs';

/** Where Debian installs Chromium; CHROMIUM_PATH overrides it (e.g. another distribution's path). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const IS_CI = process.env.CI === 'true';

/** The browser's path, or undefined after a loud warning when it is missing (skip outside CI, fail on CI). */
export function findChromium(suite: string): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const message =
    `${suite}: no Chromium at ${CHROMIUM_PATH} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH); ` +
    (IS_CI ? 'FAILING because CI=true.' : 'these tests are SKIPPED, not passed.');
  console.warn(`\n⚠️  ${message}\n`);
  return undefined;
}
