import path from 'node:path';
import { type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PLAYGROUND_USER, startAgentsPlayground } from '../../scripts/playground';
import { seedDemoWithDirectory } from '../../scripts/seed';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/testApp';
import { startLocaleRelay, type ClientLocale } from '../../scripts/localeRelay';
import { forbiddenTermsIn, type Lang } from '../../src/domain';
import { ARTIFACTS, freePort, openBrowser, type Browser, type BrowserOptions } from './browserKit';

/**
 * What the playground walks share: a playground in front of the bot (through the locale relay when the walk needs
 * another client than the playground's en-US), and the checks every card the user sees must pass.
 */

/** What a card must never show: unbound or broken template output. */
export function leftoversIn(text: string): string[] {
  return [/\bundefined\b/, /\$\{/, /\[object /, /\bNaN\b/, /<>/, /\bnull\b/].filter((re) => re.test(text)).map(String);
}

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * A fresh playground posting to `messagesUrl` (through a locale relay when `client` is given), opened in a new page;
 * `timeZone` is the zone it reports for the user (else the machine's). What it started is pushed onto `running`, for
 * the suite's afterAll to stop.
 */
export async function openPlayground(
  browser: BrowserContext,
  messagesUrl: string,
  client: ClientLocale | null,
  running: Stoppable[],
  timeZone?: string,
): Promise<Page> {
  let endpoint = messagesUrl;
  if (client) {
    const relay = await startLocaleRelay(endpoint, client);
    running.push({ stop: relay.close });
    endpoint = relay.endpoint;
  }
  const playground = await startAgentsPlayground(endpoint, await freePort(), { timeZone });
  running.push(playground);
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  // The playground's first page load took over 15 s on a busy shared machine; the walk's own waits stay at 15 s.
  await page.goto(playground.url, { timeout: 60_000 });
  return page;
}

/** Saves a screenshot of the page to tests/artifacts as `<prefix>-<name>.png`. */
export function screenshotter(page: Page, prefix: string): (name: string) => Promise<unknown> {
  return (name) => page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-${name}.png`) });
}

/** Runs a walk; when it fails, the screenshot and the last card's text say what the user saw. */
export async function walk(page: Page, shot: (name: string) => Promise<unknown>, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    await shot('failed').catch(() => undefined);
    const last = await page.locator('.ac-adaptiveCard').last().innerText({ timeout: 1_000 }).catch(() => '(no card)');
    throw new Error(`${(err as Error).message}\n\nThe last card read:\n${last}`, { cause: err });
  } finally {
    await page.close();
  }
}

/** The problems of one card as the user reads it: template leftovers and glossary "not this" words. */
export function cardProblems(text: string, lang: Lang): string[] {
  return [...leftoversIn(text), ...forbiddenTermsIn(text, lang).map((t) => `forbidden term ${JSON.stringify(t)}`)];
}

/** The rendered height of a card, in viewport heights (1 = one screen). */
export async function screensTall(card: Locator, page: Page): Promise<number> {
  const box = await card.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) throw new Error('card or viewport has no size');
  return box.height / viewport.height;
}

/**
 * The suite every demo-data walk needs, as `npm run playground` prepares it: the app on a fresh database with the demo
 * customer directory and demo data (the playground user a global admin), a headless browser, and the list of what the
 * walks start (playgrounds, relays), all stopped after the suite. Call it inside the suite's describe.
 */
export function demoPlaygroundSuite(opts: { app?: () => Promise<TestAppOptions>; browser?: BrowserOptions } = {}) {
  let app: TestApp | undefined;
  let browserKit: Browser | undefined;
  const running: Stoppable[] = [];
  beforeAll(async () => {
    app = await startTestApp(opts.app ? await opts.app() : undefined);
    await seedDemoWithDirectory(app.db.prisma, undefined, { extraUsers: [PLAYGROUND_USER] });
    browserKit = await openBrowser(opts.browser);
  }, 45_000);
  afterAll(async () => {
    await browserKit?.close();
    for (const r of running.reverse()) await r.stop();
    await app?.close();
  });
  return {
    app: () => app!,
    browser: () => browserKit!.context,
    running,
  };
}
