import { readFileSync } from 'node:fs';
import { isPartnerCenterSyncOn, type Config } from '../config';
import { DEFAULT_DOMAIN_CONFIG, type DomainConfig } from '../domain';
import type { Logger } from '../log';
import { AdminStore } from '../store/admin';
import { Bootstrap } from '../store/bootstrap';
import { TenantStore } from '../store/tenant';
import { PrismaStorage } from '../store/botStorage';

/** The wizard's state store says so when another click saved first (its eTag no longer matches). */
export { StorageConflictError } from '../store/botStorage';
import { CardPostStore } from '../store/cardPosts';
import { ChartStore } from '../store/charts';
import { ClaimStore } from '../store/claims';
import { ConversationStore } from '../store/conversations';
import { CustomerDirectory } from '../store/customers';
import { pingDatabase, type Database } from '../store/database';
import { DealReader } from '../store/deals/queries';
import { DigestStore } from '../store/digest';
import { ExportStore } from '../store/exports';
import { ExportService } from './exports';
import { DealRepository } from '../store/deals/repository';
import { ExpiryStore } from '../store/expiry';
import { JobStore } from '../store/jobs';
import { NotificationStore } from '../store/notifications';
import { PeopleStore } from '../store/people';
import { PartnerCenterStore } from '../store/partnerCenter';
import { RouteStore } from '../store/routes';
import { DealCommands, type CommitListener } from './dealCommands';
import { DealQueries } from './dealQueries';
import { JobWorker } from './jobWorker';
import { ChartLinks, chartLinkSecret } from './charts/links';
import { referralSendersOf } from '../referralSenders';
import type { Resolve } from './callbackTarget';
import { JOB } from './followUps';
import { Outbox } from './outbox';
import { PARTNER_CENTER_REST_SCOPE, partnerCenterTokenSource } from './partnerCenter/auth';
import { createWebhookRegistrar, type WebhookRegistrar } from './partnerCenter/webhookRegistration';
import { createPartnerCenterClient } from './partnerCenter/client';
import { PartnerCenterSync } from './partnerCenter/sync';
import { DEFAULT_PC_CERT_HOSTS, verifyWebhook, type WebhookVerification } from './partnerCenter/webhookSignature';

/**
 * What every surface (bot, REST API, sweepers) works with. Deals change only through `commands` and are read through
 * `queries`; the small stores hold what is not a deal (people, conversations, posted cards, routes). Nothing here
 * hands out the database itself: Prisma stays below src/store.
 */
export interface Services {
  config: Config;
  logger: Logger;
  domain: DomainConfig;
  /** The only way to change a deal (decide, write, follow-up jobs, in one transaction). */
  commands: DealCommands;
  /** Every read of deals: one deal, lists, pipeline, histories. */
  queries: DealQueries;
  people: PeopleStore;
  /** Locations, roles and scopes, with audit (R1). */
  admin: AdminStore;
  /** The first admin of a fresh install (BOOTSTRAP_ADMINS or the first-contact offer). */
  bootstrap: Bootstrap;
  /** The tenant recorded for the first admin (used when ALLOWED_TENANTS and MicrosoftAppTenantId are unset). */
  tenant: TenantStore;
  /** The customer directory (R6). */
  customers: CustomerDirectory;
  /** Posted copies of deal cards and the version each shows. */
  cardPosts: CardPostStore;
  /** Teams conversations the bot may post to. */
  conversations: ConversationStore;
  /** R14: where each location's referrals go. */
  routes: RouteStore;
  /** "Exactly one instance does this" (greetings). */
  claims: ClaimStore;
  /** botbuilder dialog state (the new-deal wizard). */
  botStorage: PrismaStorage;
  /** Runs the follow-up jobs of committed changes; listeners are registered by the surfaces that do the work. */
  jobs: JobWorker;
  jobStore: JobStore;
  /** R28: the sender-notification outbox and its dispatcher. */
  outbox: Outbox;
  /** Issue 13: the Partner Center sync (null when it is not configured). */
  partnerCenter: PartnerCenterService | null;
  /** Issue 17: each location's daily digest, taken once per local day. */
  digests: DigestStore;
  /** Issue 17: export requests, signed links, and their audited deliveries. */
  exports: ExportService;
  /** Issue 17: the insights card's charts, as signed links (GET /charts/<id>.png). */
  charts: ChartLinks;
  /** The database answers (GET /healthz). */
  health: { kind: Database['kind']; ping(): Promise<void> };
}

/** What the surfaces use of the Partner Center sync. */
export interface PartnerCenterService {
  sync: PartnerCenterSync;
  store: PartnerCenterStore;
  /** Checks a webhook's signature exactly as Microsoft documents it. */
  verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<WebhookVerification>;
  /** The link a card shows to open a referral in Partner Center. */
  linkOf(referralId: string): string;
  /** Partner Center's webhook registration (an admin's command). */
  webhooks: WebhookRegistrar;
}

/** Attempts of a push before it is shown as failed (with backoff from 5 s to 1 h: about two hours in all). */
export const PUSH_ATTEMPTS = 10;

function createPartnerCenter(config: Config, commands: DealCommands, jobStore: JobStore, jobs: JobWorker, domain: DomainConfig, logger: Logger, prisma: Database['prisma']): PartnerCenterService {
  const store = new PartnerCenterStore(prisma);
  const client = createPartnerCenterClient({ baseUrl: config.PARTNER_CENTER_API_URL, token: partnerCenterTokenSource(config), timeoutMs: config.PARTNER_CENTER_TIMEOUT_SECONDS * 1000 });
  const sync = new PartnerCenterSync(client, store, commands, domain, { enqueue: (specs) => jobStore.enqueue(specs), kick: () => jobs.kick() }, logger, {
    pollSeconds: config.PARTNER_CENTER_POLL_SECONDS,
  });
  jobs.on(JOB.pushToPartnerCenter, (job) => sync.onPush(job, PUSH_ATTEMPTS), { maxAttempts: PUSH_ATTEMPTS });
  jobs.on(JOB.fetchFromPartnerCenter, sync.onFetch, { maxAttempts: 10 });
  // The poll chain must never end: it waits longer after failures, never more than its interval.
  jobs.on(JOB.pollPartnerCenter, sync.onPoll, { maxAttempts: Infinity, backoffMs: (n) => Math.min(config.PARTNER_CENTER_POLL_SECONDS * 1000, 5_000 * 2 ** (n - 1)) });
  const caPem = config.PARTNER_CENTER_WEBHOOK_CA_FILE ? readFileSync(config.PARTNER_CENTER_WEBHOOK_CA_FILE, 'utf8') : undefined;
  const certHosts = config.PARTNER_CENTER_CERT_HOSTS.length ? config.PARTNER_CENTER_CERT_HOSTS : DEFAULT_PC_CERT_HOSTS;
  return {
    sync,
    store,
    verify: (rawBody, headers) => verifyWebhook({ rawBody, headers }, { certHosts, ...(caPem ? { caPem } : {}) }),
    linkOf: (id) => config.PARTNER_CENTER_REFERRAL_LINK.replace('{id}', encodeURIComponent(id)),
    webhooks: createWebhookRegistrar({ url: config.PARTNER_CENTER_WEBHOOK_REGISTRATION_URL, token: partnerCenterTokenSource(config, { scope: PARTNER_CENTER_REST_SCOPE }) }),
  };
}

export function domainConfigOf(config: Config): DomainConfig {
  const currencies = [...new Set([config.DEFAULT_CURRENCY, ...config.CURRENCIES])];
  return { ...DEFAULT_DOMAIN_CONFIG, responseDays: config.REFERRAL_RESPONSE_DAYS, currencies };
}

/** The deal-command service on its own (scripts, tests): its jobs are left for a running app's worker. */
export function createDealCommands(db: Pick<Database, 'prisma'>, domain: DomainConfig, committed: CommitListener = NOTHING_TO_WAKE, partnerCenter = false): DealCommands {
  return new DealCommands(new DealRepository(db.prisma), new ExpiryStore(db.prisma), domain, committed, { partnerCenter });
}

const NOTHING_TO_WAKE: CommitListener = { jobs: () => undefined, notifications: () => undefined };

export function createServices(config: Config, db: Database, logger: Logger, opts: { resolve?: Resolve } = {}): Services {
  const { prisma } = db;
  const domain = domainConfigOf(config);
  const jobStore = new JobStore(prisma);
  const jobs = new JobWorker(jobStore, logger);
  const senders = referralSendersOf(config);
  const outbox = new Outbox(
    new NotificationStore(prisma),
    logger,
    {
      allowPrivate: config.CALLBACK_ALLOW_PRIVATE,
      // A sender no longer configured gets no callbacks; its host list is read again at every attempt.
      senderNamed: (account) => senders.find((s) => s.name === account) ?? null,
      resolve: opts.resolve,
    },
    { baseDelayMs: config.NOTIFY_RETRY_SECONDS * 1000 },
  );
  const syncOn = isPartnerCenterSyncOn(config);
  const commands = createDealCommands(db, domain, { jobs: () => jobs.kick(), notifications: () => outbox.kick() }, syncOn);
  const partnerCenter = syncOn ? createPartnerCenter(config, commands, jobStore, jobs, domain, logger, prisma) : null;
  const queries = new DealQueries(new DealReader(prisma));
  const people = new PeopleStore(prisma);
  return {
    config,
    logger,
    domain,
    commands,
    queries,
    people,
    admin: new AdminStore(prisma),
    bootstrap: new Bootstrap(prisma, config, logger),
    tenant: new TenantStore(prisma),
    customers: new CustomerDirectory(prisma),
    cardPosts: new CardPostStore(prisma),
    conversations: new ConversationStore(prisma),
    routes: new RouteStore(prisma),
    claims: new ClaimStore(prisma),
    botStorage: new PrismaStorage(prisma),
    jobs,
    jobStore,
    outbox,
    partnerCenter,
    digests: new DigestStore(prisma),
    exports: new ExportService(new ExportStore(prisma), queries, people, {
      secret: config.EXPORT_LINK_SECRET,
      linkMinutes: config.EXPORT_LINK_MINUTES,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    }),
    charts: new ChartLinks(new ChartStore(prisma), {
      baseUrl: config.PUBLIC_BASE_URL,
      secret: chartLinkSecret(config),
      ttlMs: config.CHART_LINK_MINUTES * 60_000,
    }),
    health: {
      kind: db.kind,
      ping: () => pingDatabase(db),
    },
  };
}
