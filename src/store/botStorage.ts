import { Prisma, type PrismaClient } from '@prisma/client';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';

/** A write whose eTag no longer matches the stored item: someone else wrote it since it was read. */
export class StorageConflictError extends Error {
  readonly code = 'ETAG_CONFLICT';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StorageConflictError';
  }
}

const isConflict = (err: unknown): boolean =>
  err instanceof Prisma.PrismaClientKnownRequestError && (err.code === 'P2025' || err.code === 'P2002');

/**
 * botbuilder `Storage` on the BotState table, so dialog state survives a restart and is shared by every instance on
 * one PostgreSQL. Items carry `eTag` (the row's version):
 * - a write without eTag or with `*` always wins (MemoryStorage semantics);
 * - a write with the eTag that was read wins only if nobody wrote in between, else StorageConflictError.
 * After a successful write the item's `eTag` is set to the new version, so a second write in the same turn is
 * conditional on the first one.
 */
export class PrismaStorage implements Storage {
  constructor(private readonly prisma: PrismaClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.prisma.botState.findMany({ where: { id: { in: keys } } });
    const items: StoreItems = {};
    for (const row of rows) {
      const data = typeof row.data === 'object' && row.data !== null && !Array.isArray(row.data) ? row.data : {};
      items[row.id] = { ...(data as Record<string, unknown>), eTag: String(row.etag) };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      await this.writeOne(key, (item ?? {}) as StoreItem);
    }
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag, ...rest } = item;
    const data = JSON.parse(JSON.stringify(rest)) as Prisma.InputJsonValue;
    let version: number;
    if (eTag === undefined || eTag === null || eTag === '*') {
      const row = await this.prisma.botState.upsert({
        where: { id: key },
        create: { id: key, data },
        update: { data, etag: { increment: 1 } },
      });
      version = row.etag;
    } else {
      const expected = Number(eTag);
      if (!Number.isInteger(expected)) throw new StorageConflictError(key);
      try {
        version = (await this.prisma.botState.update({ where: { id: key, etag: expected }, data: { data, etag: { increment: 1 } } })).etag;
      } catch (err) {
        if (!isConflict(err)) throw err;
        // Read with an eTag but deleted since: recreate it, unless someone else just did.
        const exists = await this.prisma.botState.findUnique({ where: { id: key }, select: { id: true } });
        if (exists) throw new StorageConflictError(key);
        try {
          version = (await this.prisma.botState.create({ data: { id: key, data } })).etag;
        } catch (createErr) {
          if (isConflict(createErr)) throw new StorageConflictError(key);
          throw createErr;
        }
      }
    }
    item.eTag = String(version);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.prisma.botState.deleteMany({ where: { id: { in: keys } } });
  }
}
