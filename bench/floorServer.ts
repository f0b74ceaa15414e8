/**
 * The floor of the card-click benchmark (issue 16): the same writes a stage completion makes, in one transaction,
 * with nothing else — `node:http`, a JSON body, raw SQL through `pg` (PostgreSQL) or PGlite in the process, and a
 * one-line card back. No Bot Framework, no Prisma, no state machine, no rendering. Whatever cosell-bot costs above
 * this is what the bot adds; the ratio to it is the figure the targets are set against.
 *
 * FLOOR_DATABASE: a postgres:// URL or a PGlite data directory (already migrated and seeded by bench/seed.ts).
 */
import http from 'node:http';
import { newPglite } from '../src/store/pgliteInstance';
import pg from 'pg';

type Query = (name: string, text: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[]; rowCount: number }>;

interface Db {
  /** Runs `work` in one transaction. */
  transaction<T>(work: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SQL = {
  read: `SELECT version, stage FROM "Deal" WHERE id = $1`,
  update: `UPDATE "Deal" SET stage = $3::"SalesStage", version = version + 1, "updatedAt" = now() WHERE id = $1 AND version = $2`,
  completion: `INSERT INTO "StageCompletion" (id, "dealId", stage, "completedById", "completedByName", "completedAt") VALUES (gen_random_uuid()::text, $1, $2::"SalesStage", $3, $4, now())`,
  audit: `INSERT INTO "AuditEvent" ("dealId", "actorId", "actorName", type, data, "createdAt") VALUES ($1, $2, $3, 'stageCompleted', $4::jsonb, now())`,
  job: `INSERT INTO "Job" (kind, "dealId", "orderKey", payload) VALUES ('bench.floor', $1, $2, $3::jsonb)`,
};

async function click(db: Db, dealId: string, stage: string): Promise<boolean> {
  return db.transaction(async (q) => {
    const { rows } = await q('floor_read', SQL.read, [dealId]);
    const deal = rows[0];
    if (!deal) return false;
    const version = Number(deal.version);
    const updated = await q('floor_update', SQL.update, [dealId, version, stage]);
    if (updated.rowCount !== 1) return false;
    await q('floor_completion', SQL.completion, [dealId, stage, 'bench-admin', 'Bench Admin']);
    await q('floor_audit', SQL.audit, [dealId, 'bench-admin', 'Bench Admin', JSON.stringify({ stage })]);
    await q('floor_job', SQL.job, [dealId, `deal:${dealId}:cards`, JSON.stringify({ version: version + 1 })]);
    return true;
  });
}

async function open(url: string): Promise<Db> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return {
      async transaction(work) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(async (name, text, values) => {
            const r = await client.query({ name, text, values });
            return { rows: r.rows, rowCount: r.rowCount ?? 0 };
          });
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const db = newPglite(url);
  await db.waitReady;
  return {
    transaction: (work) =>
      db.transaction((tx) =>
        work(async (_name, text, values) => {
          const r = await tx.query<Record<string, unknown>>(text, values);
          return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
        }),
      ),
    close: () => db.close(),
  };
}

async function main() {
  const db = await open(process.env.FLOOR_DATABASE ?? '');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          const data = body?.value?.action?.data ?? {};
          const done = await click(db, String(data.dealId), String(data.stage));
          const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: done ? `${data.stage} completed` : 'refused' }] };
          const text = JSON.stringify({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        } catch (err) {
          res.writeHead(500);
          res.end(String(err));
        }
      })();
    });
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`listening ${address.port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => void db.close().finally(() => process.exit(0))));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
