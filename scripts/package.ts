import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { z } from 'zod';
import { COMMANDS, type CommandSpec } from '../bot/commands';
import { t, type Locale } from '../cards/i18n';
import { repoRoot } from './repoRoot';

/**
 * `npm run package`: the Teams app package for a tenant admin to upload — dist/cosell-bot.zip with manifest.json,
 * ja.json (Japanese strings) and the two icons at the zip root. The bot id and the endpoint's domain come from the
 * environment (MicrosoftAppId, PUBLIC_BASE_URL); the manifest is validated offline against the schema bundled in
 * @microsoft/app-manifest before anything is written. `npm run package -- --sync` rewrites the command lists of
 * appPackage/manifest.json and ja.json from bot/commands.ts.
 */

export const PackageEnvSchema = z.object({
  MicrosoftAppId: z.guid({ error: 'MicrosoftAppId must be the bot app (client) id, a GUID' }),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https$/, error: 'PUBLIC_BASE_URL must be the https URL Teams reaches the bot at' })
    .transform((u) => new URL(u)),
});
export type PackageEnv = z.infer<typeof PackageEnvSchema>;

type Json = Record<string, unknown>;

export interface AppPackage {
  manifest: Json;
  /** Localization files by name (ja.json). */
  localizations: Record<string, Json>;
  /** Every file of the zip, by name. */
  files: Record<string, Buffer>;
}

const COMMAND_SCOPES = ['personal', 'team', 'groupChat'];
const ICONS = { 'color.png': 192, 'outline.png': 32 } as const;

/** The manifest's command list in one language: the chat commands everyone may use, described as the help card does. */
export function commandList(locale: Locale): { title: string; description: string }[] {
  return (COMMANDS as readonly CommandSpec[])
    .filter((c) => !c.admin)
    .map((c) => ({ title: c[locale], description: t(locale, `help.command.${c.id as (typeof COMMANDS)[number]['id']}.description`) }));
}

/** The template files with their command lists rebuilt from bot/commands.ts (en in the manifest, ja in ja.json). */
export function withCommands(manifest: Json, ja: Json): { manifest: Json; ja: Json } {
  const bots = (manifest.bots as Json[] | undefined) ?? [];
  const en = commandList('en');
  const jaCommands = commandList('ja');
  const jaStrings = Object.fromEntries(Object.entries(ja).filter(([key]) => !key.startsWith('bots[')));
  // The descriptions are catalog messages too, so the store listing uses the glossary's words.
  jaStrings['description.short'] = t('ja', 'app.description.short');
  jaStrings['description.full'] = t('ja', 'app.description.full');
  const description = { short: t('en', 'app.description.short'), full: t('en', 'app.description.full') };
  jaCommands.forEach((c, i) => {
    jaStrings[`bots[0].commandLists[0].commands[${i}].title`] = c.title;
    jaStrings[`bots[0].commandLists[0].commands[${i}].description`] = c.description;
  });
  return {
    manifest: { ...manifest, description, bots: bots.map((b, i) => (i === 0 ? { ...b, commandLists: [{ scopes: COMMAND_SCOPES, commands: en }] } : b)) },
    ja: jaStrings,
  };
}

/** Replaces `${{NAME}}` tokens; a token without a value is an error, so no placeholder ever ships. */
export function fillTokens(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{(\w+)\}\}/g, (_whole, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`appPackage: no value for \${{${name}}}`);
    return values[name] as string;
  });
}

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

/** The app package for a bot id and public URL, from appPackage/ (not yet validated). */
export function buildAppPackage(env: PackageEnv, root = repoRoot()): AppPackage {
  const dir = path.join(root, 'appPackage');
  const version = (readJson(path.join(root, 'package.json')).version as string) ?? '1.0.0';
  const values = { BOT_ID: env.MicrosoftAppId, BOT_DOMAIN: env.PUBLIC_BASE_URL.host, APP_VERSION: version };
  const manifest = JSON.parse(fillTokens(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'), values)) as Json;
  const ja = readJson(path.join(dir, 'ja.json'));
  const files: Record<string, Buffer> = {
    'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2)),
    'ja.json': Buffer.from(JSON.stringify(ja, null, 2)),
  };
  for (const icon of Object.keys(ICONS)) files[icon] = fs.readFileSync(path.join(dir, icon));
  return { manifest, localizations: { 'ja.json': ja }, files };
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || png.toString('latin1', 1, 4) !== 'PNG') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * The bundled localization schemas (v1.22–v1.30) contain two patterns with a bare `]` that ajv, which compiles
 * patterns with the `u` flag, rejects ("Lone quantifier brackets"). Escaping a bare `]` outside a character class
 * keeps each pattern's meaning.
 */
export function unicodeSafe<T>(schema: T): T {
  const fix = (pattern: string): string => {
    try {
      new RegExp(pattern, 'u');
      return pattern;
    } catch {
      let out = '';
      let inClass = false;
      for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i] as string;
        if (ch === '\\') {
          out += ch + (pattern[i + 1] ?? '');
          i++;
        } else if (ch === '[' && !inClass) {
          inClass = true;
          out += ch;
        } else if (ch === ']') {
          out += inClass ? ch : '\\]';
          inClass = false;
        } else out += ch;
      }
      return out;
    }
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key === 'pattern' && typeof value === 'string') return [key, fix(value)];
        if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
          return [key, Object.fromEntries(Object.entries(value).map(([p, v]) => [fix(p), walk(v)]))];
        }
        return [key, walk(value)];
      }),
    );
  };
  return walk(schema) as T;
}

/**
 * Everything wrong with the package: schema errors of the manifest and of each localization file (offline, from the
 * schemas bundled in @microsoft/app-manifest), icon sizes, and command lists that drifted from bot/commands.ts.
 * Empty when the package is good.
 */
export async function validateAppPackage(pkg: AppPackage): Promise<string[]> {
  const problems: string[] = [];
  const manifestErrors = await AppManifestUtils.validateAgainstSchema(pkg.manifest as never);
  problems.push(...manifestErrors.map((e) => `manifest.json: ${e}`));
  for (const [name, strings] of Object.entries(pkg.localizations)) {
    const schemaUrl = strings.$schema;
    if (typeof schemaUrl !== 'string') {
      problems.push(`${name}: no $schema`);
      continue;
    }
    const schema = unicodeSafe(await AppManifestUtils.fetchSchema(schemaUrl));
    problems.push(...(await AppManifestUtils.validateAgainstSchema(strings as never, schema)).map((e) => `${name}: ${e}`));
  }
  for (const [icon, size] of Object.entries(ICONS)) {
    const png = pkg.files[icon];
    const actual = png ? pngSize(png) : undefined;
    if (!actual || actual.width !== size || actual.height !== size) {
      problems.push(`${icon}: must be a ${size}×${size} PNG, is ${actual ? `${actual.width}×${actual.height}` : 'missing or not a PNG'}`);
    }
  }
  const synced = withCommands(pkg.manifest, pkg.localizations['ja.json'] ?? {});
  if (JSON.stringify(synced.manifest.bots) !== JSON.stringify(pkg.manifest.bots)) {
    problems.push('manifest.json: command list differs from bot/commands.ts (run `npm run package -- --sync`)');
  }
  if (JSON.stringify(synced.ja) !== JSON.stringify(pkg.localizations['ja.json'])) {
    problems.push('ja.json: command list differs from bot/commands.ts (run `npm run package -- --sync`)');
  }
  return problems;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (deflate, no directories, fixed 1980-01-01 timestamps so the same input gives the same bytes). */
export function zipFiles(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = zlib.deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // made by
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    locals.push(local, nameBytes, packed);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

/** Rewrites the command lists and descriptions of the committed template from bot/commands.ts and the catalogs. */
export function syncTemplate(root = repoRoot()): void {
  const dir = path.join(root, 'appPackage');
  const synced = withCommands(readJson(path.join(dir, 'manifest.json')), readJson(path.join(dir, 'ja.json')));
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(synced.manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'ja.json'), `${JSON.stringify(synced.ja, null, 2)}\n`);
}

async function main(): Promise<number> {
  const root = repoRoot();
  if (process.argv.includes('--sync')) {
    syncTemplate(root);
    console.log('appPackage/manifest.json and ja.json: command lists rewritten from bot/commands.ts');
  }
  const env = PackageEnvSchema.safeParse(process.env);
  // `--sync` alone only updates the template; with the environment set it also packages.
  if (!env.success && process.argv.includes('--sync') && !process.env.MicrosoftAppId && !process.env.PUBLIC_BASE_URL) return 0;
  if (!env.success) {
    for (const issue of env.error.issues) console.error(`npm run package: ${issue.message}`);
    console.error('Example: MicrosoftAppId=<bot app id> PUBLIC_BASE_URL=https://cosell.contoso.com npm run package');
    return 1;
  }
  const pkg = buildAppPackage(env.data, root);
  const problems = await validateAppPackage(pkg);
  if (problems.length) {
    for (const p of problems) console.error(p);
    console.error('npm run package: the app package is not valid; nothing written');
    return 1;
  }
  const out = path.join(root, 'dist', 'cosell-bot.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, zipFiles(pkg.files));
  console.log(`wrote ${path.relative(process.cwd(), out) || out}: ${Object.keys(pkg.files).join(', ')} (manifest valid, schema v${String(pkg.manifest.manifestVersion)})`);
  console.log(`bot ${env.data.MicrosoftAppId}, messaging endpoint ${env.data.PUBLIC_BASE_URL.origin}/api/messages`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
