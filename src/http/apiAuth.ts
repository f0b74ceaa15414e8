import { holderOfToken, type ApiClient } from '../apiClients';
import type { PersonActor } from '../domain';

/** Who is calling the deals API (clients are configured in API_CLIENTS, parsed by src/apiClients.ts). */

export type { ApiClient } from '../apiClients';

/** The client whose token this is, or null. Compares every configured hash in constant time. */
export function clientForToken(clients: readonly ApiClient[], token: string): ApiClient | null {
  return holderOfToken(clients, token);
}

/** `Authorization: Bearer <token>` → the token, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer[ \t]+([\x21-\x7e]{1,512})\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

/** API clients act in the domain as actors of kind 'client' (R4: same permissions as people). */
export function actorOfClient(client: ApiClient): PersonActor {
  return {
    kind: 'client',
    id: `client:${client.name}`,
    name: client.name,
    email: null,
    role: client.role,
    scope: { global: client.scope.global, locations: [...client.scope.locations] },
  };
}
