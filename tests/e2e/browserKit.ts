import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export { freePort } from '../helpers/freePort';

/**
 * What the browser suites share: Debian's chromium (installed by .ci/run; the suites skip without it), the screenshot
 * folder, a free port for a playground, and a headless browser in a throw-away profile.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../artifacts');
export const haveChromium = fs.existsSync(CHROMIUM);


export interface Browser {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  /** The reader's zone (the playground sends the browser's as the activity's localTimezone); the machine's if unset. */
  timezoneId?: string;
}

/** A headless chromium with its own profile; the artifacts folder exists afterwards. */
export async function openBrowser({ viewport = { width: 1280, height: 900 }, timezoneId }: BrowserOptions = {}): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    ...(timezoneId ? { timezoneId } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
