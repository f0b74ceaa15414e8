import type { Prisma } from '@prisma/client';
import type { Actor, DomainEvent } from '../domain';

/** The audit log: one row per domain or admin event, written inside the transaction of the change it records. */
export async function appendEvents(
  tx: Prisma.TransactionClient,
  dealId: string | null,
  actor: Actor,
  events: readonly DomainEvent[],
  now: Date,
): Promise<void> {
  if (!events.length) return;
  await tx.auditEvent.createMany({
    data: events.map((e) => ({
      dealId,
      actorId: actor.kind === 'system' ? null : actor.id,
      actorName: actor.name,
      type: e.type,
      data: e.data as Prisma.InputJsonValue,
      createdAt: now,
    })),
  });
}
