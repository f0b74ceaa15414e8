import type { Config } from '../config';
import { DEFAULT_DOMAIN_CONFIG, type DomainConfig } from '../domain';
import type { Logger } from '../log';
import type { Database } from '../store/database';
import { DealStore } from '../store/dealStore';
import { PeopleStore } from '../store/people';
import { AdminService } from './admin';
import { Bootstrap } from './bootstrap';
import { Outbox } from './outbox';

/** What every surface (bot, REST API, sweepers) works with: the stores and the domain's configuration. */
export interface Services {
  config: Config;
  db: Database;
  logger: Logger;
  domain: DomainConfig;
  deals: DealStore;
  people: PeopleStore;
  /** Locations, roles and scopes, with audit (issue 3). */
  admin: AdminService;
  /** The first admin of a fresh install (BOOTSTRAP_ADMINS or the first-contact offer). */
  bootstrap: Bootstrap;
  /** R28: the sender-notification outbox and its dispatcher (issue 5). */
  outbox: Outbox;
}

export function domainConfigOf(config: Config): DomainConfig {
  return { ...DEFAULT_DOMAIN_CONFIG, responseDays: config.REFERRAL_RESPONSE_DAYS };
}

export function createServices(config: Config, db: Database, logger: Logger): Services {
  const domain = domainConfigOf(config);
  return {
    config,
    db,
    logger,
    domain,
    deals: new DealStore(db.prisma, domain),
    people: new PeopleStore(db.prisma),
    admin: new AdminService(db.prisma),
    bootstrap: new Bootstrap(db.prisma, config, logger),
    outbox: new Outbox(db.prisma, logger, { baseDelayMs: config.NOTIFY_RETRY_SECONDS * 1000 }),
  };
}
