import type { Config } from '../config';
import { DEFAULT_DOMAIN_CONFIG, type DomainConfig } from '../domain';
import type { Logger } from '../log';
import type { Database } from '../store/database';
import { DealStore } from '../store/dealStore';
import { PeopleStore } from '../store/people';

/** What every surface (bot, REST API, sweepers) works with: the stores and the domain's configuration. */
export interface Services {
  config: Config;
  db: Database;
  logger: Logger;
  domain: DomainConfig;
  deals: DealStore;
  people: PeopleStore;
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
  };
}
