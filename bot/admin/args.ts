import { z } from 'zod';
import type { MessageKey, MessageParams } from '../../cards/i18n';
import { LocationInputSchema, type LocationInput } from '../../src/domain';

/**
 * The words after an admin command, checked with zod before anything is looked up. A problem is a message key
 * (ja/en) plus the usage line of the command, so every answer says what was wrong and how to type it.
 */

export interface ArgProblem {
  key: MessageKey;
  params?: MessageParams;
  usage: MessageKey;
}
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ArgProblem };

const bad = <T>(usage: MessageKey, key: MessageKey = usage, params?: MessageParams): Parsed<T> => ({ ok: false, problem: { key, params, usage } });

interface Token {
  text: string;
  quoted: boolean;
}

/** Words, with "double quotes" (or “curly” / 「corner」 ones) holding a name with spaces together. */
export function tokenize(args: string): Token[] {
  const out: Token[] = [];
  for (const m of args.matchAll(/"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+)/g)) {
    const quoted = m[4] === undefined;
    out.push({ text: (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim(), quoted });
  }
  return out;
}

/** zod's verdict on a location, as the user's message. */
function locationProblem(raw: { id: string; name: string; country?: string }, usage: MessageKey): Parsed<LocationInput> {
  const parsed = LocationInputSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const field = parsed.error.issues[0]?.path[0];
  if (field === 'id') return bad(usage, 'admin.error.badLocationId', { id: raw.id });
  if (field === 'country') return bad(usage, 'admin.error.badCountry', { country: raw.country ?? '' });
  return bad(usage, 'admin.error.badLocationName');
}

/**
 * `add location <id> <name> [country]`. The country is the last word when it is two capital letters and a name
 * remains before it ("Contoso Japan Tokyo JP"); a quoted name makes it unambiguous ("Contoso Co" JP).
 */
export function parseAddLocation(args: string): Parsed<LocationInput> {
  const usage: MessageKey = 'admin.error.usageAddLocation';
  const tokens = tokenize(args);
  if (tokens.length < 2) return bad(usage);
  const [id, ...rest] = tokens as [Token, ...Token[]];
  let name: string;
  let country: string | undefined;
  if (rest[0]!.quoted) {
    if (rest.length > 2) return bad(usage);
    name = rest[0]!.text;
    country = rest[1]?.text;
  } else {
    const last = rest[rest.length - 1]!;
    const hasCountry = rest.length >= 2 && !last.quoted && /^[A-Z]{2}$/.test(last.text);
    country = hasCountry ? last.text : undefined;
    name = (hasCountry ? rest.slice(0, -1) : rest).map((t) => t.text).join(' ');
  }
  return locationProblem({ id: id.text, name, ...(country !== undefined ? { country } : {}) }, usage);
}

export function parseRenameLocation(args: string): Parsed<{ id: string; name: string }> {
  const usage: MessageKey = 'admin.error.usageRenameLocation';
  const tokens = tokenize(args);
  if (tokens.length < 2) return bad(usage);
  const [id, ...rest] = tokens as [Token, ...Token[]];
  const name = rest.map((t) => t.text).join(' ');
  const checked = locationProblem({ id: id.text, name }, usage);
  return checked.ok ? { ok: true, value: { id: id.text, name: checked.value.name } } : checked;
}

export function parseRemoveLocation(args: string): Parsed<{ id: string }> {
  const usage: MessageKey = 'admin.error.usageRemoveLocation';
  const tokens = tokenize(args);
  if (tokens.length !== 1) return bad(usage);
  return { ok: true, value: { id: tokens[0]!.text } };
}

/** Who a role command is about: an @mention (resolved through Teams), an email, or a known person's name. */
export type TargetRef = { kind: 'mention'; text: string } | { kind: 'email'; email: string } | { kind: 'name'; name: string };

const ROLE_WORDS: Record<string, 'admin' | 'user'> = {
  admin: 'admin',
  administrator: 'admin',
  管理者: 'admin',
  user: 'user',
  ユーザー: 'user',
  ユーザ: 'user',
};
const GLOBAL_WORDS = new Set(['global', 'all', 'company', '全体', '全社', 'グローバル', 'すべて']);

const RoleArgsSchema = z.object({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('mention'), text: z.string().min(1) }),
    z.object({ kind: z.literal('email'), email: z.email().transform((e) => e.toLowerCase()) }),
    z.object({ kind: z.literal('name'), name: z.string().min(1).max(200) }),
  ]),
  role: z.enum(['admin', 'user']),
  /** Omitted = the granting admin's own scope; 'global'; or location ids/names as typed. */
  scope: z.union([z.literal('global'), z.array(z.string().min(1)).min(1)]).optional(),
});
export type RoleArgs = z.infer<typeof RoleArgsSchema>;

/** Splits off the person: `<at>Name</at>`, a quoted name, or the first word. */
function splitTarget(args: string): { target: TargetRef; rest: string } | null {
  // Teams may deliver a typed email auto-linked: <a href="mailto:x@y">x@y</a>.
  const text = args.replace(/<a\b[^>]*>(.*?)<\/a>/gi, '$1').trim();
  const mention = /^(<at>.*?<\/at>)\s*/i.exec(text);
  if (mention) return { target: { kind: 'mention', text: mention[1]! }, rest: text.slice(mention[0].length) };
  const quoted = /^(?:"([^"]+)"|“([^”]+)”|「([^」]+)」)\s*/.exec(text);
  if (quoted) return { target: { kind: 'name', name: (quoted[1] ?? quoted[2] ?? quoted[3])!.trim() }, rest: text.slice(quoted[0].length) };
  const word = /^(\S+)\s*/.exec(text);
  if (!word) return null;
  const w = word[1]!;
  return { target: w.includes('@') ? { kind: 'email', email: w } : { kind: 'name', name: w }, rest: text.slice(word[0].length) };
}

export function parseScopeWords(rest: string): 'global' | string[] | undefined {
  const text = rest.trim();
  if (!text) return undefined;
  if (GLOBAL_WORDS.has(text.toLowerCase())) return 'global';
  return text
    .split(/[,、，]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function parseRoleArgs(args: string): Parsed<RoleArgs> {
  const usage: MessageKey = 'admin.error.usageRole';
  const split = splitTarget(args);
  if (!split) return bad(usage);
  const roleWord = /^(\S+)\s*/.exec(split.rest);
  const role = roleWord ? ROLE_WORDS[roleWord[1]!.toLowerCase()] : undefined;
  if (!roleWord || !role) return bad(usage);
  const parsed = RoleArgsSchema.safeParse({ target: split.target, role, scope: parseScopeWords(split.rest.slice(roleWord[0].length)) });
  if (!parsed.success) {
    return split.target.kind === 'email' ? bad(usage, 'admin.error.unknownPerson', { who: split.target.email }) : bad(usage);
  }
  return { ok: true, value: parsed.data };
}

export function parseRemoveRoleArgs(args: string): Parsed<TargetRef> {
  const usage: MessageKey = 'admin.error.usageRemoveRole';
  const split = splitTarget(args);
  if (!split || split.rest.trim() !== '') return bad(usage);
  const parsed = RoleArgsSchema.shape.target.safeParse(split.target);
  return parsed.success ? { ok: true, value: parsed.data } : bad(usage, 'admin.error.unknownPerson', { who: args.trim() });
}

/** The admin card's role form (Action.Execute data; every value arrives as a string). */
export const SetRoleFormSchema = z.object({
  rolePerson: z.string().trim().min(1),
  roleRole: z.enum(['admin', 'user', 'none']),
  roleGlobal: z.enum(['true', 'false']).optional(),
  roleLocations: z.string().optional(),
});

export const AddLocationFormSchema = z.object({
  addLocationId: z.string().default(''),
  addLocationName: z.string().default(''),
  addLocationCountry: z.string().optional(),
});

export const RenameLocationFormSchema = z.object({
  renameLocationId: z.string().trim().min(1),
  renameLocationName: z.string().default(''),
});

export const RemoveLocationFormSchema = z.object({ removeLocationId: z.string().trim().min(1) });

/** The location form's time zone button: the same location choice as Rename. */
export const LocationZoneFormSchema = z.object({ renameLocationId: z.string().trim().min(1).max(64), zoneTimeZone: z.string().trim().min(1).max(64) });

/** The add-location form, with the same checks and messages as the typed command. */
export function parseAddLocationForm(data: unknown): Parsed<LocationInput> {
  const form = AddLocationFormSchema.safeParse(data);
  if (!form.success) return bad('admin.error.usageAddLocation');
  const country = form.data.addLocationCountry?.trim();
  return locationProblem(
    { id: form.data.addLocationId.trim(), name: form.data.addLocationName.trim(), ...(country ? { country } : {}) },
    'admin.error.usageAddLocation',
  );
}
