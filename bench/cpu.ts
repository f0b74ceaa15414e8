/**
 * CPU accounting for the benchmarks (issue 16): the server process's CPU time and, on PostgreSQL, the CPU time of
 * the backends serving the bench database, both read from /proc (Linux), and what pg_stat_statements says about
 * planning versus execution. Each figure is taken around one load, so it is per request of that load.
 */
import fs from 'node:fs';
import pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process, in ms (NaN when it cannot be read). */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

export interface StatementCost {
  query: string;
  calls: number;
  planMs: number;
  execMs: number;
}

export interface DbSample {
  cpuMs: number;
  planMs: number;
  execMs: number;
  calls: number;
  top: StatementCost[];
}

/**
 * Watches one PostgreSQL database from an admin connection to another one (so the watcher is not counted):
 * backends' CPU from /proc (the server runs on this machine), statements from pg_stat_statements (created in the
 * bench database, planning tracked for it).
 */
export class PostgresWatch {
  private constructor(
    private readonly admin: pg.Client,
    /** In the bench database (pg_stat_statements' view and functions live there); its own backend is not counted. */
    private readonly stats: pg.Client,
    private readonly statsPid: number,
    private readonly dbName: string,
    private readonly dbOid: number,
  ) {}

  static async open(adminUrl: string, benchUrl: string): Promise<PostgresWatch> {
    const dbName = decodeURIComponent(new URL(benchUrl).pathname.slice(1));
    const stats = new pg.Client({ connectionString: benchUrl });
    await stats.connect();
    await stats.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await stats.query(`ALTER DATABASE "${dbName}" SET pg_stat_statements.track_planning = on`);
    const { rows } = await stats.query('SELECT oid, pg_backend_pid() AS pid FROM pg_database WHERE datname = current_database()');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    return new PostgresWatch(admin, stats, Number(rows[0].pid), dbName, Number(rows[0].oid));
  }

  private async backends(): Promise<Map<number, number>> {
    const { rows } = await this.admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [this.dbName, this.statsPid]);
    return new Map(rows.map((r) => [Number(r.pid), processCpuMs(Number(r.pid))]));
  }

  /** Starts a measurement; the returned function ends it. */
  async start(): Promise<() => Promise<DbSample>> {
    await this.stats.query('SELECT pg_stat_statements_reset(0, $1::oid, 0)', [this.dbOid]);
    const before = await this.backends();
    return async () => {
      const after = await this.backends();
      let cpuMs = 0;
      for (const [pid, ms] of after) if (Number.isFinite(ms)) cpuMs += ms - (before.get(pid) ?? 0);
      const { rows } = await this.stats.query(
        `SELECT query, calls, total_plan_time AS plan, total_exec_time AS exec FROM pg_stat_statements
         WHERE dbid = $1 AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_plan_time + total_exec_time DESC`,
        [this.dbOid],
      );
      const all: StatementCost[] = rows.map((r) => ({ query: String(r.query), calls: Number(r.calls), planMs: Number(r.plan), execMs: Number(r.exec) }));
      return {
        cpuMs,
        planMs: all.reduce((s, r) => s + r.planMs, 0),
        execMs: all.reduce((s, r) => s + r.execMs, 0),
        calls: all.reduce((s, r) => s + r.calls, 0),
        top: all.slice(0, 8),
      };
    };
  }

  async close(): Promise<void> {
    await this.admin.end();
    await this.stats.end();
  }
}
