import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DealTypeSchema, STAGE_LABEL, StageSchema, foldKey as norm, type DealType, type Role, type Stage, type StageMap } from './domain';

/**
 * API clients (R1, R4, R22): each CRM integration is an actor with a role, a scope and optionally its own CRM
 * stage names. Configured in `API_CLIENTS` as a `;`-separated list of
 *
 *     name:role:scope:tokenSha256[:stageMapFile]
 *
 * - `name`   letters, digits, `.`, `_`, `-` (shown as the actor in audit events and cards)
 * - `role`   `admin` or `user`
 * - `scope`  `global`, or location ids separated by `|` (e.g. `contoso-jp-tokyo|contoso-jp-osaka`)
 * - `tokenSha256` the hex SHA-256 of the bearer token (`printf %s "$TOKEN" | sha256sum`); the token itself is
 *   never configured, stored or logged
 * - `stageMapFile` (optional) a JSON file mapping the client's CRM stage names to standard stages, e.g.
 *   `{"Discovery": "secureCustomerLoe", "Proposal": {"solutionAssessment": "Present to customer", "coSell": "proposed"}}`
 *   (a stage id or English label; an object when the name means different stages per deal type).
 */

export interface ApiClient {
  name: string;
  role: Role;
  scope: { global: boolean; locations: string[] };
  tokenHash: Buffer;
  /** CRM stage names per deal type (case-insensitive matching happens in mapStage). */
  stageMaps: Record<DealType, StageMap>;
}


/** A stage named by id ("secureCustomerLoe") or English label ("Secure customer LOE"). */
const StageNameSchema = z.string().transform((value, ctx) => {
  const stage = StageSchema.options.find((s) => norm(s) === norm(value) || norm(STAGE_LABEL[s].en) === norm(value));
  if (!stage) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a standard stage (${StageSchema.options.join(', ')})` });
    return z.NEVER;
  }
  return stage;
});

const PerTypeSchema = z.partialRecord(DealTypeSchema, StageNameSchema);

// A stage name, or one per deal type. Checked by hand rather than z.union so the message names the bad stage.
const StageTargetSchema = z.unknown().transform((value, ctx): Stage | z.infer<typeof PerTypeSchema> => {
  const parsed = typeof value === 'string' ? StageNameSchema.safeParse(value) : PerTypeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});

const StageMapFileSchema = z.record(z.string().min(1), StageTargetSchema);

function readStageMaps(file: string): Record<DealType, StageMap> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`stage map file ${file}: ${(err as Error).message}`);
  }
  const parsed = StageMapFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`stage map file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const maps: Record<DealType, Record<string, Stage>> = { solutionAssessment: {}, coSell: {} };
  for (const [name, target] of Object.entries(parsed.data)) {
    for (const type of DealTypeSchema.options) {
      const stage = typeof target === 'string' ? target : target[type];
      if (stage) maps[type][name] = stage;
    }
  }
  return maps;
}

function parseClient(entry: string): ApiClient {
  const [name = '', role = '', scope = '', hash = '', ...rest] = entry.split(':').map((p) => p.trim());
  const file = rest.join(':');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new Error(`"${name}": a client name is 1–64 letters, digits, ".", "_" or "-"`);
  if (role !== 'admin' && role !== 'user') throw new Error(`${name}: role must be admin or user`);
  const locations = scope.split('|').map((l) => l.trim()).filter(Boolean);
  if (scope !== 'global' && locations.length === 0) throw new Error(`${name}: scope must be "global" or location ids separated by "|"`);
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new Error(`${name}: the token must be given as its 64-hex-digit SHA-256`);
  return {
    name,
    role,
    scope: scope === 'global' ? { global: true, locations: [] } : { global: false, locations },
    tokenHash: Buffer.from(hash, 'hex'),
    stageMaps: file ? readStageMaps(file) : { solutionAssessment: {}, coSell: {} },
  };
}

/** The config value: parsed (and stage map files read) at start-up, so a mistake stops the start, not a request. */
export const ApiClientsSchema = z.string().transform((value, ctx) => {
  const clients: ApiClient[] = [];
  for (const entry of value.split(';').map((e) => e.trim()).filter(Boolean)) {
    try {
      const client = parseClient(entry);
      if (clients.some((c) => c.name === client.name)) throw new Error(`${client.name}: listed twice`);
      if (clients.some((c) => c.tokenHash.equals(client.tokenHash))) throw new Error(`${client.name}: shares its token with another client`);
      clients.push(client);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }
  return clients;
});

export function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}


/**
 * The holder (API client, referral sender) whose token hash matches the presented token, or null. Compares every
 * configured hash in constant time with no early exit: the time taken does not depend on which one (if any) matched.
 */
export function holderOfToken<T extends { tokenHash: Buffer }>(holders: readonly T[], token: string): T | null {
  const presented = sha256(token);
  let found: T | null = null;
  for (const holder of holders) {
    if (timingSafeEqual(presented, holder.tokenHash) && !found) found = holder;
  }
  return found;
}
