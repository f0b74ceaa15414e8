import type { Config } from '../config';
import { DEFAULT_DOMAIN_CONFIG, type DomainConfig } from '../domain';
import type { Logger } from '../log';
import { AdminStore } from '../store/admin';
import { Bootstrap } from '../store/bootstrap';
import { PrismaStorage } from '../store/botStorage';

/** The wizard's state store says so when another click saved first (its eTag no longer matches). */
export { StorageConflictError } from '../store/botStorage';
import { CardPostStore } from '../store/cardPosts';
import { ClaimStore } from '../store/claims';
import { ConversationStore } from '../store/conversations';
import { CustomerDirectory } from '../store/customers';
import { pingDatabase, type Database } from '../store/database';
import { DealReader } from '../store/deals/queries';
import { DealRepository } from '../store/deals/repository';
import { ExpiryStore } from '../store/expiry';
import { JobStore } from '../store/jobs';
import { NotificationStore } from '../store/notifications';
import { PeopleStore } from '../store/people';
import { RouteStore } from '../store/routes';
import { DealCommands, type CommitListener } from './dealCommands';
import { DealQueries } from './dealQueries';
import { JobWorker } from './jobWorker';
import { Outbox } from './outbox';

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
  /** The database answers (GET /healthz). */
  health: { kind: Database['kind']; ping(): Promise<void> };
}

export function domainConfigOf(config: Config): DomainConfig {
  const currencies = [...new Set([config.DEFAULT_CURRENCY, ...config.CURRENCIES])];
  return { ...DEFAULT_DOMAIN_CONFIG, responseDays: config.REFERRAL_RESPONSE_DAYS, currencies };
}

/** The deal-command service on its own (scripts, tests): its jobs are left for a running app's worker. */
export function createDealCommands(db: Pick<Database, 'prisma'>, domain: DomainConfig, committed: CommitListener = NOTHING_TO_WAKE): DealCommands {
  return new DealCommands(new DealRepository(db.prisma), new ExpiryStore(db.prisma), domain, committed);
}

const NOTHING_TO_WAKE: CommitListener = { jobs: () => undefined, notifications: () => undefined };

export function createServices(config: Config, db: Database, logger: Logger): Services {
  const { prisma } = db;
  const domain = domainConfigOf(config);
  const jobStore = new JobStore(prisma);
  const jobs = new JobWorker(jobStore, logger);
  const outbox = new Outbox(new NotificationStore(prisma), logger, { baseDelayMs: config.NOTIFY_RETRY_SECONDS * 1000 });
  const commands = createDealCommands(db, domain, { jobs: () => jobs.kick(), notifications: () => outbox.kick() });
  return {
    config,
    logger,
    domain,
    commands,
    queries: new DealQueries(new DealReader(prisma)),
    people: new PeopleStore(prisma),
    admin: new AdminStore(prisma),
    bootstrap: new Bootstrap(prisma, config, logger),
    customers: new CustomerDirectory(prisma),
    cardPosts: new CardPostStore(prisma),
    conversations: new ConversationStore(prisma),
    routes: new RouteStore(prisma),
    claims: new ClaimStore(prisma),
    botStorage: new PrismaStorage(prisma),
    jobs,
    jobStore,
    outbox,
    health: {
      kind: db.kind,
      ping: () => pingDatabase(db),
    },
  };
}
