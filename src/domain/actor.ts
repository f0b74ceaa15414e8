import { z } from 'zod';
import { RoleSchema } from './vocabulary';

/** R1: who is acting. A person from Teams, an API client (issue 7), or the system (sweeper, intake). */
export const ScopeSchema = z.object({
  global: z.boolean(),
  locations: z.array(z.string()),
});
export type Scope = z.infer<typeof ScopeSchema>;

export const PersonActorSchema = z.object({
  kind: z.enum(['user', 'client']),
  id: z.string(),
  name: z.string(),
  email: z.string().nullable().optional(),
  role: RoleSchema.nullable(),
  scope: ScopeSchema,
});
export type PersonActor = z.infer<typeof PersonActorSchema>;

export interface SystemActor {
  kind: 'system';
  id: 'system';
  name: string;
}

export type Actor = PersonActor | SystemActor;

export const SYSTEM: SystemActor = { kind: 'system', id: 'system', name: 'cosell-bot' };

export function inScope(actor: PersonActor, locationId: string): boolean {
  return actor.scope.global || actor.scope.locations.includes(locationId);
}
