import { z } from 'zod';
import { ApiClientsSchema } from './apiClients';
import { ReferralSendersSchema } from './referralSenders';
import { isPartnerCenterAuthConfigured, partnerCenterAuthProblems } from './services/partnerCenter/auth';

/**
 * The environment, validated once at start-up. Every variable is listed in VARIABLES with its default and meaning,
 * so the README table and the schema cannot drift apart (a test compares them).
 */

// `FOO=` in a .env file or a compose file means "not set", not "set to the empty string".
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().trim().optional(),
);

function withDefault<T extends z.ZodType>(schema: T, fallback: string) {
  return z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? fallback : v), schema);
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const commaList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
  );

const reminderDays = z
  .string()
  .transform((s, ctx) => {
    const parts = s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const days: number[] = [];
    for (const p of parts) {
      if (!/^\d+$/.test(p) || Number(p) < 1) {
        ctx.addIssue({ code: 'custom', message: `"${p}" is not a whole number of days ≥ 1` });
        return z.NEVER;
      }
      days.push(Number(p));
    }
    // Largest first: the reminder sweep walks them in the order they fall due.
    return [...new Set(days)].sort((a, b) => b - a);
  });

/** Issue 17: `HH:MM` (24-hour, the location's own time) or `off`. */
const digestAt = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (s.toLowerCase() === 'off') return null;
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(s);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'must be a time HH:MM (24-hour, e.g. 09:00) or off' });
      return z.NEVER;
    }
    return { hour: Number(m[1]), minute: Number(m[2]) };
  });

const zeroOrOne = z.enum(['0', '1', 'true', 'false'], { error: 'must be 1 or 0' }).transform((v) => v === '1' || v === 'true');

/** R10: the partner's solution list offered for co-sell deals (configurable with COSELL_SOLUTIONS). */
const DEFAULT_COSELL_SOLUTIONS = 'Azure Migration,Data and AI,Microsoft 365 Copilot,Security,Dynamics 365,Azure Virtual Desktop';

export const DEFAULT_PARTNER_CENTER_API_URL = 'https://api.partner.microsoft.com/v1.0/engagements/referrals';
/** Where a person opens a referral in Partner Center (the card's link). */
const DEFAULT_PARTNER_CENTER_LINK = 'https://partner.microsoft.com/dashboard/v2/referrals/{id}';

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

export interface ConfigProblem {
  variable: string;
  message: string;
}

type Credentials = Partial<Record<'MicrosoftAppId' | 'MicrosoftAppPassword' | 'MicrosoftAppTenantId' | 'MicrosoftAppType', string>>;

/**
 * The rules ConfigurationServiceClientCredentialFactory asserts at run time (on the first message), reported at
 * start-up instead. Works on raw strings too, so it can run when other variables already failed to parse.
 */
function credentialProblems(c: Credentials): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const need = (variable: 'MicrosoftAppPassword' | 'MicrosoftAppTenantId', why: string) => {
    if (!c[variable]) problems.push({ variable, message: `is required ${why}` });
  };
  if (!c.MicrosoftAppId) {
    for (const variable of ['MicrosoftAppPassword', 'MicrosoftAppTenantId'] as const) {
      if (c[variable]) problems.push({ variable, message: 'is set but MicrosoftAppId is not (set both, or neither for local mode)' });
    }
    return problems;
  }
  const type = c.MicrosoftAppType ?? 'MultiTenant';
  if (type === 'MultiTenant') need('MicrosoftAppPassword', 'when MicrosoftAppId is set (MultiTenant)');
  if (type === 'SingleTenant') {
    need('MicrosoftAppPassword', 'for MicrosoftAppType=SingleTenant');
    need('MicrosoftAppTenantId', 'for MicrosoftAppType=SingleTenant');
  }
  if (type === 'UserAssignedMSI') {
    need('MicrosoftAppTenantId', 'for MicrosoftAppType=UserAssignedMSI');
    if (c.MicrosoftAppPassword) problems.push({ variable: 'MicrosoftAppPassword', message: 'must not be set for MicrosoftAppType=UserAssignedMSI' });
  }
  return problems;
}

export const configSchema = z
  .object({
    PORT: withDefault(integer(0, 65535), '3978'),
    HOST: withDefault(z.string().trim().min(1), '0.0.0.0'),
    DATABASE_URL: withDefault(z.string().trim().min(1), 'data/pglite'),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    MicrosoftAppType: withDefault(z.enum(APP_TYPES), 'MultiTenant'),
    LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
    DEFAULT_CURRENCY: withDefault(
      z
        .string()
        .trim()
        .transform((s) => s.toUpperCase())
        .pipe(z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as JPY or USD')),
      'JPY',
    ),
    CURRENCIES: withDefault(
      z
        .string()
        .transform((s) => s.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^[A-Z]{3}$/, 'must be a comma list of ISO 4217 codes such as JPY,USD,EUR')).min(1)),
      'JPY,USD,EUR',
    ),
    REFERRAL_RESPONSE_DAYS: withDefault(integer(1, 365), '14'),
    REFERRAL_REMINDER_DAYS: withDefault(reminderDays, '3,1'),
    SWEEP_INTERVAL_SECONDS: withDefault(integer(1, 86_400), '60'),
    NOTIFY_RETRY_SECONDS: withDefault(integer(1, 86_400), '30'),
    JOB_POLL_SECONDS: withDefault(integer(1, 3_600), '5'),
    REFERRALS_API_TOKEN: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().min(16, 'must be at least 16 characters (it guards the referral intake API)').optional(),
    ),
    REFERRAL_SENDERS: withDefault(ReferralSendersSchema, ''),
    CALLBACK_ALLOW_PRIVATE: withDefault(
      z.enum(['0', '1', 'true', 'false'], { error: 'must be 1 or 0' }).transform((v) => v === '1' || v === 'true'),
      '0',
    ),
    ALLOWED_TENANTS: withDefault(commaList.pipe(z.array(z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'must be tenant ids (GUIDs) separated by commas'))), ''),
    BOOTSTRAP_ADMINS: withDefault(commaList, ''),
    COSELL_SOLUTIONS: withDefault(commaList.pipe(z.array(z.string().max(200)).min(1, 'must name at least one solution')), DEFAULT_COSELL_SOLUTIONS),
    LOCATIONS_FILE: optionalText,
    PUBLIC_BASE_URL: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .transform((u) => u.replace(/\/+$/, ''))
        .optional(),
    ),
    CHART_LINK_SECRET: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().min(32, 'must be at least 32 characters (it signs chart links)').optional(),
    ),
    CHART_LINK_MINUTES: withDefault(integer(1, 10_080), '60'),
    API_CLIENTS: withDefault(ApiClientsSchema, ''),
    PARTNER_CENTER_API_URL: withDefault(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')), DEFAULT_PARTNER_CENTER_API_URL),
    PARTNER_CENTER_TOKEN: optionalText,
    PARTNER_CENTER_CLIENT_ID: optionalText,
    PARTNER_CENTER_TENANT_ID: optionalText,
    PARTNER_CENTER_CLIENT_SECRET: optionalText,
    PARTNER_CENTER_CLIENT_CERT_FILE: optionalText,
    PARTNER_CENTER_AUTHORITY_HOST: optionalText,
    PARTNER_CENTER_POLL_SECONDS: withDefault(integer(10, 86_400), '300'),
    PARTNER_CENTER_TIMEOUT_SECONDS: withDefault(integer(1, 300), '30'),
    PARTNER_CENTER_CERT_HOSTS: withDefault(commaList, '3psostorageacct.blob.core.windows.net'),
    PARTNER_CENTER_WEBHOOK_CA_FILE: optionalText,
    PARTNER_CENTER_WEBHOOK_REGISTRATION_URL: withDefault(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), 'https://api.partnercenter.microsoft.com/webhooks/v1/registration'),
    PARTNER_CENTER_REFERRAL_LINK: withDefault(z.string().trim().regex(/^https:\/\/[^\s]*\{id\}/, 'must be an https URL containing {id}'), DEFAULT_PARTNER_CENTER_LINK),
    DIGEST_AT: withDefault(digestAt, '09:00'),
    STALE_DAYS: withDefault(integer(1, 365), '30'),
    EXPORT_LINK_SECRET: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().min(32, 'must be at least 32 characters (it signs export links)').optional(),
    ),
    EXPORT_LINK_MINUTES: withDefault(integer(1, 1_440), '15'),
    FILE_UPLOAD_ALLOW_PRIVATE: withDefault(zeroOrOne, '0'),
  })
  .superRefine((c, ctx) => {
    for (const p of credentialProblems(c)) ctx.addIssue({ code: 'custom', path: [p.variable], message: p.message });
    for (const p of partnerCenterAuthProblems(c)) ctx.addIssue({ code: 'custom', path: [p.variable], message: p.message });
  });

export type Config = z.infer<typeof configSchema>;

export interface ConfigVariable {
  name: keyof Config;
  /** As written in the environment; undefined when the variable has no default. */
  default: string | undefined;
  description: string;
  secret?: boolean;
}

const VARIABLES: readonly ConfigVariable[] = [
  { name: 'PORT', default: '3978', description: 'TCP port of the HTTP server (0 picks a free port).' },
  { name: 'HOST', default: '0.0.0.0', description: 'Interface the HTTP server binds to.' },
  {
    name: 'DATABASE_URL',
    default: 'data/pglite',
    description:
      'A directory for the embedded PGlite database (one process at a time), `memory://` for a throw-away one, or a `postgres://…` URL.',
  },
  {
    name: 'MicrosoftAppId',
    default: undefined,
    description: 'Bot app (client) id. Unset = local mode: no Bot Framework auth, /api/messages accepts loopback callers only.',
  },
  { name: 'MicrosoftAppPassword', default: undefined, description: 'Client secret of the bot app.', secret: true },
  { name: 'MicrosoftAppTenantId', default: undefined, description: 'Tenant id; required for SingleTenant and UserAssignedMSI.' },
  { name: 'MicrosoftAppType', default: 'MultiTenant', description: 'MultiTenant, SingleTenant or UserAssignedMSI.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  { name: 'DEFAULT_CURRENCY', default: 'JPY', description: 'ISO 4217 currency proposed for new deal values.' },
  { name: 'CURRENCIES', default: 'JPY,USD,EUR', description: 'ISO 4217 currencies offered for deal values (comma list; DEFAULT_CURRENCY is always offered).' },
  { name: 'REFERRAL_RESPONSE_DAYS', default: '14', description: 'Days a received referral stays open before it expires.' },
  { name: 'REFERRAL_REMINDER_DAYS', default: '3,1', description: 'Days before expiry at which reminders are posted (comma list).' },
  { name: 'SWEEP_INTERVAL_SECONDS', default: '60', description: 'How often expiry, reminders and the outbox are processed.' },
  {
    name: 'NOTIFY_RETRY_SECONDS',
    default: '30',
    description: 'Wait after a failed delivery of a sender notification; doubles with each failure, at most 1 h (6 attempts).',
  },
  {
    name: 'JOB_POLL_SECONDS',
    default: '5',
    description:
      'How often the job worker looks for follow-up work (card updates, referral posts) left by a restart, another instance or a retry that came due; new work runs at once.',
  },
  {
    name: 'REFERRAL_SENDERS',
    default: '',
    description:
      'Who may post referrals (POST /api/referrals) and read their own notifications, `;`-separated, each `name:organizationId:tokenSha256:callbackHosts` — the hex SHA-256 of the sender’s bearer token, and the host names its callback URLs may use, joined by `|` (`*.example.com` allows subdomains; empty = no callbacks). A referral id is unique per sender.',
    secret: true,
  },
  {
    name: 'REFERRALS_API_TOKEN',
    default: undefined,
    description:
      'Legacy: one shared bearer token for POST /api/referrals (at least 16 characters), the sender named `legacy` (organisation from the body, callbacks to any public host). Prefer REFERRAL_SENDERS. Neither set = referral intake disabled.',
    secret: true,
  },
  {
    name: 'CALLBACK_ALLOW_PRIVATE',
    default: '0',
    description:
      '1 = sender callbacks may go to loopback, private, link-local and other non-public addresses (tests, on-premises receivers). 0 = such callbacks are refused at intake and at every delivery.',
  },
  {
    name: 'ALLOWED_TENANTS',
    default: '',
    description:
      'Comma list of Microsoft 365 tenant ids whose Teams users the bot serves. Unset = MicrosoftAppTenantId when set, else the tenant of the first Referrals admin (recorded in the database). Other tenants get a polite refusal and are not recorded.',
  },
  {
    name: 'BOOTSTRAP_ADMINS',
    default: '',
    description:
      'Comma list of users (AAD object ids or emails) made global Referrals admins on first contact. Unset = the first person to chat with the bot is offered the admin role.',
  },
  {
    name: 'LOCATIONS_FILE',
    default: undefined,
    description: 'JSON (`[{id,name,country,timeZone}]`) or CSV (`id,name,country,timezone` header) of MPN locations added or renamed at start-up; timeZone (IANA) defaults to Asia/Tokyo for JP, UTC otherwise.',
  },
  {
    name: 'COSELL_SOLUTIONS',
    default: DEFAULT_COSELL_SOLUTIONS,
    description: 'Comma list of the partner\'s solutions a co-sell deal can name (R10).',
  },
  {
    name: 'PUBLIC_BASE_URL',
    default: undefined,
    description: 'External https URL of this service, used in links placed in cards and notifications.',
  },
  {
    name: 'CHART_LINK_SECRET',
    default: undefined,
    description:
      'Key (at least 32 characters) that signs the links of insights charts (`GET /charts/<signed id>.png`); the same on every instance. Unset = derived from MicrosoftAppPassword, or in local mode a random key per process.',
    secret: true,
  },
  { name: 'CHART_LINK_MINUTES', default: '60', description: 'How long the chart links of an insights card work (minutes); the card keeps its numbers after.' },
  {
    name: 'API_CLIENTS',
    default: '',
    description:
      'Clients of the deals API (/api/deals), `;`-separated, each `name:role:scope:tokenSha256[:stageMapFile]` — role `admin` or `user`, scope `global` or location ids joined by `|`, the hex SHA-256 of the bearer token, and optionally a JSON file mapping the client’s CRM stage names to standard stages. Empty = deals API disabled (401).',
    secret: true,
  },
  {
    name: 'PARTNER_CENTER_API_URL',
    default: DEFAULT_PARTNER_CENTER_API_URL,
    description: 'Partner Center Referrals API (issue 13). The sync is on when PARTNER_CENTER_TOKEN or PARTNER_CENTER_CLIENT_ID is set; otherwise referrals come only through /api/referrals and nothing is sent to Partner Center.',
  },
  { name: 'PARTNER_CENTER_TOKEN', default: undefined, description: 'A static bearer token for Partner Center (sandboxes and tests); replaces the Entra ID sign-in.', secret: true },
  { name: 'PARTNER_CENTER_CLIENT_ID', default: undefined, description: 'Entra ID app (client) id that signs in to Partner Center with client credentials.' },
  { name: 'PARTNER_CENTER_TENANT_ID', default: undefined, description: 'Tenant of that app; required with PARTNER_CENTER_CLIENT_ID.' },
  { name: 'PARTNER_CENTER_CLIENT_SECRET', default: undefined, description: 'Client secret of that app (or PARTNER_CENTER_CLIENT_CERT_FILE).', secret: true },
  { name: 'PARTNER_CENTER_CLIENT_CERT_FILE', default: undefined, description: 'PEM file with the private key and certificate of that app (instead of a secret).' },
  { name: 'PARTNER_CENTER_AUTHORITY_HOST', default: undefined, description: 'Entra ID authority host for sovereign clouds (default https://login.microsoftonline.com).' },
  { name: 'PARTNER_CENTER_POLL_SECONDS', default: '300', description: 'How often the sync asks Partner Center for every referral changed since the last poll (catches missed webhooks).' },
  { name: 'PARTNER_CENTER_TIMEOUT_SECONDS', default: '30', description: 'How long one Partner Center request may take (answer and body); a request that hangs longer is retried later, like a 5xx.' },
  { name: 'PARTNER_CENTER_CERT_HOSTS', default: '3psostorageacct.blob.core.windows.net', description: 'Comma list of hosts a webhook signing certificate may be downloaded from.' },
  { name: 'PARTNER_CENTER_WEBHOOK_CA_FILE', default: undefined, description: 'PEM of the root certificates webhook signatures must chain to, instead of the system roots (sandboxes, tests).' },
  { name: 'PARTNER_CENTER_WEBHOOK_REGISTRATION_URL', default: 'https://api.partnercenter.microsoft.com/webhooks/v1/registration', description: 'Where `partner center webhook` / `PCウェブフック` registers this service (PUBLIC_BASE_URL + /api/partner-center/events) for referral events.' },
  { name: 'PARTNER_CENTER_REFERRAL_LINK', default: DEFAULT_PARTNER_CENTER_LINK, description: 'Link a card shows to open the referral in Partner Center; `{id}` is the referral id.' },
  {
    name: 'DIGEST_AT',
    default: '09:00',
    description:
      'When the daily digest is posted on weekdays (HH:MM in each location’s own time zone) to the location’s linked conversation, else to its admins in personal chat; `off` = no daily digest (`digest now` still works).',
  },
  { name: 'STALE_DAYS', default: '30', description: 'The digest lists active deals whose sales stage has not changed for this many days.' },
  {
    name: 'EXPORT_LINK_SECRET',
    default: undefined,
    description:
      'Secret (at least 32 characters) that signs export download links (`export` in a channel or group chat). Unset = a random secret per process: links stop working at a restart and are valid only on the instance that made them.',
    secret: true,
  },
  { name: 'EXPORT_LINK_MINUTES', default: '15', description: 'How long an export download link works.' },
  {
    name: 'FILE_UPLOAD_ALLOW_PRIVATE',
    default: '0',
    description:
      '1 = the upload URL Teams gives for an exported file (file consent) may be http on loopback or a non-public address (tests, local stand-ins). 0 = only https to public addresses.',
  },
];

/** Issue 13: the Partner Center sync is on when a way to sign in to Partner Center is configured. */
export const isPartnerCenterSyncOn = (config: Config): boolean => isPartnerCenterAuthConfigured(config);

/** Every variable with its default and meaning, in the order the README documents them. */
export function describeConfig(): readonly ConfigVariable[] {
  return VARIABLES;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Reads the environment; throws one ConfigError naming every bad variable. Never echoes a value (secrets). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(VARIABLES.map((v) => [v.name, env[v.name]]));
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems: ConfigProblem[] = parsed.error.issues.map((i) => ({
    variable: i.path.map(String).join('.') || '(environment)',
    message: i.message,
  }));
  // A bad variable stops zod before the cross-variable rules; run them on the raw values so one run lists all.
  const raw: Credentials = {};
  for (const key of ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType'] as const) {
    const value = env[key]?.trim();
    if (value) raw[key] = value;
  }
  for (const p of credentialProblems(raw)) {
    if (!problems.some((q) => q.variable === p.variable && q.message === p.message)) problems.push(p);
  }
  throw new ConfigError(problems);
}

/** Local mode: no Bot Framework credentials, so no JWT check; only loopback callers are let in (R25). */
export function isLocalMode(config: Pick<Config, 'MicrosoftAppId'>): boolean {
  return !config.MicrosoftAppId;
}
