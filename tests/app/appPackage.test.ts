import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { COMMANDS, type CommandSpec } from '../../bot/commands';
import { outlineSvg } from '../../scripts/icons';
import { PackageEnvSchema, buildAppPackage, crc32, pngSize, validateAppPackage, zipFiles, type AppPackage } from '../../scripts/package';

// @microsoft/app-manifest requires two ES modules (strip-bom, node-fetch). Node loads them; jest's CommonJS runtime
// cannot, so the test swaps them: strip-bom for its one-line equivalent, and fetch for one that fails — which also
// proves the validation never goes to the network.
jest.mock('../../node_modules/@microsoft/app-manifest/node_modules/strip-bom/index.js', () => ({
  __esModule: true,
  default: (text: string) => text.replace(/^\uFEFF/, ''),
}));
jest.mock('../../node_modules/@microsoft/app-manifest/node_modules/node-fetch/src/index.js', () => ({
  __esModule: true,
  default: () => Promise.reject(new Error('no network in this test: schemas must come from the package')),
}));

const ROOT = path.resolve(__dirname, '../..');
const BOT_ID = '6b1a2c3d-1111-4222-8333-444455556666';
const env = PackageEnvSchema.parse({ MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'https://cosell.contoso.com/' });

/** The entries of a zip, read back from its local headers (what Teams' uploader reads). */
function unzip(zip: Buffer): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const crc = zip.readUInt32LE(at + 14);
    const packedSize = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extraLength;
    const packed = zip.subarray(start, start + packedSize);
    const data = method === 8 ? zlib.inflateRawSync(packed) : packed;
    expect({ name, crc: crc32(data) }).toEqual({ name, crc });
    out[name] = data;
    at = start + packedSize;
  }
  expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
  return out;
}

const clone = (pkg: AppPackage): AppPackage => ({
  manifest: structuredClone(pkg.manifest),
  localizations: structuredClone(pkg.localizations),
  files: { ...pkg.files },
});

describe('Teams app package', () => {
  const pkg = buildAppPackage(env, ROOT);

  test('the manifest and its Japanese strings pass the bundled schema (v1.22+), offline', async () => {
    expect(await validateAppPackage(pkg)).toEqual([]);
    expect(Number(String(pkg.manifest.manifestVersion).replace(/^1\./, ''))).toBeGreaterThanOrEqual(22);
  });

  test('bot id and endpoint domain come from the environment; scopes, files and commands as the bot supports them', () => {
    const bot = (pkg.manifest.bots as any[])[0];
    expect(bot).toMatchObject({ botId: BOT_ID, scopes: ['personal', 'team', 'groupChat'], supportsFiles: true });
    expect(pkg.manifest.validDomains).toEqual(['cosell.contoso.com']);
    expect(JSON.stringify(pkg.manifest)).not.toContain('${{');
    // Everyone sees the manifest's command menu, so the admin-only commands stay off it (as on the help card).
    const everyones = (COMMANDS as readonly CommandSpec[]).filter((c) => !c.admin);
    expect(everyones.map((c) => c.en)).toEqual(expect.arrayContaining(['new deal', 'deals', 'help']));
    expect(bot.commandLists[0].commands.map((c: any) => c.title)).toEqual(everyones.map((c) => c.en));
    const ja = pkg.localizations['ja.json']!;
    expect(everyones.map((_, i) => ja[`bots[0].commandLists[0].commands[${i}].title`])).toEqual(everyones.map((c) => c.ja));
    expect(ja['name.short']).toBe('共同販売取引');
  });

  test('a broken manifest is rejected with the reasons', async () => {
    const broken = clone(pkg);
    delete broken.manifest.developer;
    (broken.manifest.bots as any[])[0].botId = 'not-a-guid';
    (broken.manifest.bots as any[])[0].scopes = ['personal', 'meeting-room'];
    const problems = await validateAppPackage(broken);
    expect(problems.join('\n')).toMatch(/must have required property 'developer'/);
    expect(problems.join('\n')).toMatch(/\/bots\/0\/botId must match pattern/);
    expect(problems.join('\n')).toMatch(/\/bots\/0\/scopes\/1 must be equal to one of the allowed values/);
  });

  test('a localization key the schema does not know, a wrong icon size and commands out of step are rejected', async () => {
    const broken = clone(pkg);
    broken.localizations['ja.json'] = { ...broken.localizations['ja.json'], 'bots[0].botId': 'x' };
    broken.files['outline.png'] = broken.files['color.png']!;
    (broken.manifest.bots as any[])[0].commandLists[0].commands.pop();
    const problems = await validateAppPackage(broken);
    expect(problems.some((p) => p.startsWith('ja.json:') && p.includes('additional properties'))).toBe(true);
    expect(problems).toContain('outline.png: must be a 32×32 PNG, is 192×192');
    expect(problems).toContain('manifest.json: command list differs from bot/commands.ts (run `npm run package -- --sync`)');
  });

  test('the committed template lists the same commands as the bot (manifest and ja.json in step with bot/commands.ts)', async () => {
    const problems = await validateAppPackage(pkg);
    expect(problems.filter((p) => p.includes('command list'))).toEqual([]);
  });

  test('the zip holds manifest, ja.json and both icons at its root, byte for byte', () => {
    const files = unzip(zipFiles(pkg.files));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'ja.json', 'manifest.json', 'outline.png']);
    expect(JSON.parse(files['manifest.json']!.toString('utf8'))).toEqual(pkg.manifest);
    expect(files['color.png']!.equals(fs.readFileSync(path.join(ROOT, 'appPackage/color.png')))).toBe(true);
  });

  test('the environment is checked: a missing bot id or a plain-http endpoint is refused with a clear message', () => {
    const missing = PackageEnvSchema.safeParse({ PUBLIC_BASE_URL: 'https://cosell.contoso.com' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.message).toMatch(/MicrosoftAppId must be the bot app \(client\) id/);
    const http = PackageEnvSchema.safeParse({ MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'http://cosell.contoso.com' });
    expect(http.error?.issues[0]?.message).toMatch(/PUBLIC_BASE_URL must be the https URL/);
  });
});

describe('icons', () => {
  test('committed PNGs have the sizes Teams requires and are RGBA', () => {
    for (const [file, size] of [['color.png', 192], ['outline.png', 32]] as const) {
      const png = fs.readFileSync(path.join(ROOT, 'appPackage', file));
      expect(pngSize(png)).toEqual({ width: size, height: size });
      expect(png[25]).toBe(6); // colour type 6: RGBA
    }
  });

  test('the outline icon drawn from icon.svg is a white glyph on transparency', () => {
    const svg = fs.readFileSync(path.join(ROOT, 'appPackage/icon.svg'), 'utf8');
    const pixels = new Resvg(outlineSvg(svg), { fitTo: { mode: 'width', value: 32 } }).render().pixels;
    const alpha = (x: number, y: number) => pixels[(y * 32 + x) * 4 + 3]!;
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(31, 31)).toBe(0);
    const opaque: number[][] = [];
    for (let i = 0; i < 32 * 32; i++) if (pixels[i * 4 + 3] === 255) opaque.push([pixels[i * 4]!, pixels[i * 4 + 1]!, pixels[i * 4 + 2]!]);
    expect(opaque.length).toBeGreaterThan(50);
    expect(opaque.every(([r, g, b]) => r! > 240 && g! > 240 && b! > 240)).toBe(true);
  });
});

describe('npm run package', () => {
  const run = promisify(execFile);
  const script = ['-r', './tests/helpers/registerTs.js', 'scripts/package.ts'];

  test('writes dist/cosell-bot.zip from the environment', async () => {
    const { stdout } = await run(process.execPath, script, {
      cwd: ROOT,
      env: { ...process.env, MicrosoftAppId: BOT_ID, PUBLIC_BASE_URL: 'https://bot.fabrikam.example' },
    });
    expect(stdout).toContain('dist/cosell-bot.zip');
    const files = unzip(fs.readFileSync(path.join(ROOT, 'dist/cosell-bot.zip')));
    const manifest = JSON.parse(files['manifest.json']!.toString('utf8'));
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual(['bot.fabrikam.example']);
  });

  test('without MicrosoftAppId it stops and says what to set', async () => {
    const { MicrosoftAppId: _unset, ...rest } = process.env;
    const failed = await run(process.execPath, script, { cwd: ROOT, env: { ...rest, PUBLIC_BASE_URL: 'https://bot.fabrikam.example' } }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('MicrosoftAppId must be the bot app (client) id');
  });
});
