import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type ConnectorClientPromise = ReturnType<ConnectorFactory['create']>;

/** Distinct (identity, service URL, audience) triples kept; Teams uses a handful of service URLs per region. */
const MAX_CLIENTS = 64;

/**
 * Bot Framework authentication that reuses Bot Connector clients. CloudAdapter asks its connector factory for a new
 * `ConnectorClient` on every incoming activity and every proactive send, and each one builds an Azure SDK request
 * pipeline and its credentials afresh — 0.5–1 ms of CPU per card click (issue 16's profile). A client holds no
 * per-conversation state (its credentials fetch and refresh their own token), so one per identity, service URL and
 * audience serves every turn, as the older BotFrameworkAdapter kept them.
 */
export class ConnectorReusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Map<string, ConnectorClientPromise>();

  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>) {
    const result = await super.authenticateRequest(...args);
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(super.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  private reusing(inner: ConnectorFactory, claims: ClaimsIdentity): ConnectorFactory {
    const identity = ['aud', 'appid', 'azp'].map((c) => claims.getClaimValue(c) ?? '').join('|');
    const create = (serviceUrl: string, audience?: string): ConnectorClientPromise => {
      const key = `${identity}\n${serviceUrl}\n${audience ?? ''}`;
      const known = this.clients.get(key);
      if (known) return known;
      const made = inner.create(serviceUrl, audience);
      made.catch(() => this.clients.delete(key)); // a failed creation is retried next time
      if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
      this.clients.set(key, made);
      return made;
    };
    return Object.assign(Object.create(Object.getPrototypeOf(inner) as object) as ConnectorFactory, { create });
  }
}
