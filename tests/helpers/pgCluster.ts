import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';
import pg from 'pg';

/**
 * A throw-away PostgreSQL cluster of the test's own, for tests that must stop or restart the server (fault tests).
 * Uses Debian's binaries; initdb refuses to run as root, so as root the cluster runs as the `postgres` user.
 */
export function postgresBinaries(): string | undefined {
  for (const v of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  return undefined;
}


export interface PgCluster {
  url: string;
  /** Restarts without blocking the event loop, so requests in flight meet the outage. */
  restart(): Promise<void>;
  /** Creates an empty database in the cluster and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
  start(): void;
  destroy(): void;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL binaries not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const run = (cmd: string, args: string[]) => {
    const quoted = [path.join(bin, cmd), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    execFileSync(asRoot ? 'su' : 'sh', asRoot ? ['postgres', '-s', '/bin/sh', '-c', quoted] : ['-c', quoted], { stdio: 'ignore' });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name: string) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
      return url.replace(/\/postgres$/, `/${name}`);
    },
    start,
    stop,
    async restart() {
      const args = [path.join(bin, 'pg_ctl'), '-D', data, '-o', options, '-l', path.join(dir, 'log'), '-m', 'fast', '-w', 'restart'];
      const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
      await promisify(execFile)(asRoot ? 'su' : 'sh', asRoot ? ['postgres', '-s', '/bin/sh', '-c', quoted] : ['-c', quoted]);
    },
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
