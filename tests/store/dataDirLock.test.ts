import '../helpers/nativePglite';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DataDirLockedError,
  lockDataDir,
  processIdentity,
  readLockHolder,
  type LockHolder,
} from '../../src/store/dataDirLock';
import { openDatabase } from '../../src/store/database';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(ROOT, 'tests', 'helpers', 'lockChild.ts');
const REGISTER_TS = path.join(ROOT, 'tests', 'helpers', 'registerTs.js');

// Creating a PGlite data directory (initdb) takes seconds; most tests start from a copy of a migrated one.
let template: string;
beforeAll(async () => {
  template = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-lock-template-')), 'pg');
  await (await openDatabase({ url: template })).close();
});
afterAll(() => {
  if (template) fs.rmSync(path.dirname(template), { recursive: true, force: true });
});
function migratedDir(): string {
  const dir = path.join(tmp, 'pg');
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cosell-lock-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- a second process running the real code (tests/helpers/lockChild.ts) ----

interface Child {
  proc: ChildProcess;
  /** Resolves with the child's pid once it printed READY; rejects with its stderr if it exits first. */
  ready: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
}
const children: ChildProcess[] = [];

function startChild(mode: 'open' | 'lock-exit', dir: string, locationId?: string): Child {
  const started = Date.now();
  const proc = spawn(process.execPath, ['-r', REGISTER_TS, CHILD, mode, dir, ...(locationId ? [locationId] : [])], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Awaited<Child['exited']>>((resolve) =>
    proc.on('exit', (code, signal) => {
      // 'exit' can fire before the pipes are drained; 'close' follows once they are.
      proc.on('close', () => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
    }),
  );
  const ready = new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', () => {
      const m = /READY (\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((r) => reject(new Error(`child exited (${r.code ?? r.signal}) before READY: ${r.stderr}`)));
  });
  ready.catch(() => undefined); // a test expecting the child to fail never awaits ready
  return { proc, ready, exited };
}

async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '']);
  const pid = p.pid!;
  await new Promise((r) => p.on('exit', r));
  return pid;
}

function writeLock(dir: string, holder: Partial<LockHolder>): string {
  const file = `${dir}.lock`;
  fs.writeFileSync(file, JSON.stringify({ host: os.hostname(), command: 'test', since: '2026-01-01T00:00:00Z', ...holder }));
  return file;
}

function lockedError(fn: () => unknown): DataDirLockedError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataDirLockedError);
    return err as DataDirLockedError;
  }
  throw new Error('expected DataDirLockedError');
}

// ---- in one process ----

describe('lockDataDir', () => {
  test('writes <dir>.lock naming this process; release removes it and is idempotent', () => {
    const dir = path.join(tmp, 'db');
    const lock = lockDataDir(dir, 'unit test');
    expect(lock.file).toBe(`${dir}.lock`);
    expect(readLockHolder(lock.file)).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'unit test' });
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
    lock.release();
    const again = lockDataDir(dir);
    expect(fs.existsSync(again.file)).toBe(true);
    again.release();
  });

  test('a second lock in the same process is refused, and leaves the first intact', () => {
    const dir = path.join(tmp, 'db');
    const lock = lockDataDir(dir);
    const before = fs.readFileSync(lock.file, 'utf8');
    const err = lockedError(() => lockDataDir(dir));
    expect(err.conflict).toBe('thisProcess');
    expect(err.holder.pid).toBe(process.pid);
    expect(err.message).toContain(String(process.pid));
    expect(fs.readFileSync(lock.file, 'utf8')).toBe(before);
    lock.release();
  });

  test('a stale lock of a dead process is recovered', async () => {
    const dir = path.join(tmp, 'db');
    const dead = await deadPid();
    const file = writeLock(dir, { pid: dead });
    const lock = lockDataDir(dir);
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a live process on this host holds the lock: refused, naming its pid', () => {
    const dir = path.join(tmp, 'db');
    const holderPid = process.ppid; // alive for as long as this test runs
    const started = processIdentity(holderPid);
    const file = writeLock(dir, { pid: holderPid, command: 'node dist/src/main.js', ...(started ? { started } : {}) });
    const err = lockedError(() => lockDataDir(dir));
    expect(err.conflict).toBe('otherProcess');
    expect(err.holder.pid).toBe(holderPid);
    expect(err.message).toContain(`process ${holderPid}`);
    expect(err.message).toContain('node dist/src/main.js');
    expect(err.message).toContain('DATABASE_URL');
    expect(readLockHolder(file)?.pid).toBe(holderPid); // untouched
  });

  const linux = processIdentity(process.pid) !== undefined;
  (linux ? test : test.skip)('a live pid that now belongs to another process (pid reuse) is stale', () => {
    const dir = path.join(tmp, 'db');
    const file = writeLock(dir, { pid: process.ppid, started: 'another-boot:12345' });
    const lock = lockDataDir(dir);
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    lock.release();
  });

  (linux ? test : test.skip)('our own pid from a previous incarnation (container restart) is stale', () => {
    const dir = path.join(tmp, 'db');
    const file = writeLock(dir, { pid: process.pid, started: 'another-boot:1' });
    const lock = lockDataDir(dir);
    expect(readLockHolder(file)?.started).toBe(processIdentity(process.pid));
    lock.release();
  });

  test('our own pid with no way to tell incarnations apart is refused, not stolen', () => {
    const dir = path.join(tmp, 'db');
    writeLock(dir, { pid: process.pid });
    expect(lockedError(() => lockDataDir(dir)).conflict).toBe('thisProcess');
  });

  test('a lock from another host is never taken over, and the message says which file to delete', () => {
    const dir = path.join(tmp, 'db');
    const file = writeLock(dir, { pid: 4242, host: 'other-host.example' });
    const err = lockedError(() => lockDataDir(dir));
    expect(err.conflict).toBe('otherHost');
    expect(err.message).toContain('other-host.example');
    expect(err.message).toContain(file);
    expect(readLockHolder(file)?.host).toBe('other-host.example');
  });

  test('an old unreadable lock file (crash while writing) is recovered', () => {
    const dir = path.join(tmp, 'db');
    const file = `${dir}.lock`;
    fs.writeFileSync(file, '{"pid": 12');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const lock = lockDataDir(dir);
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    lock.release();
  });

  test('release() leaves alone a lock file that is no longer ours', () => {
    const dir = path.join(tmp, 'db');
    const lock = lockDataDir(dir);
    writeLock(dir, { pid: 999_999, token: 'someone-else' });
    lock.release();
    expect(readLockHolder(lock.file)?.token).toBe('someone-else');
  });
});

describe('openDatabase on a PGlite directory', () => {
  test('a second open of the same directory in one process fails; after close it reopens with the data', async () => {
    const dir = migratedDir();
    const first = await openDatabase({ url: dir });
    await first.prisma.location.create({ data: { id: 'tokyo', name: 'Contoso Japan – Tokyo' } });

    await expect(openDatabase({ url: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    expect(await first.prisma.location.count()).toBe(1); // the first one is unharmed

    await first.close();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    await first.close(); // idempotent

    const second = await openDatabase({ url: dir });
    try {
      expect((await second.prisma.location.findUniqueOrThrow({ where: { id: 'tokyo' } })).name).toBe('Contoso Japan – Tokyo');
    } finally {
      await second.close();
    }
  });

  test('DATABASE_URL as a relative directory path or file: URL names the same database', async () => {
    const dir = path.join(tmp, 'nested', 'data', 'pglite'); // parents do not exist yet
    const relative = path.relative(process.cwd(), dir);
    expect(path.isAbsolute(relative)).toBe(false);

    const a = await openDatabase({ url: relative });
    expect(a.kind).toBe('pglite');
    expect(a.where).toBe(dir);
    await a.prisma.location.create({ data: { id: 'osaka', name: 'Osaka' } });
    await expect(openDatabase({ url: `file://${dir}` })).rejects.toBeInstanceOf(DataDirLockedError);
    await a.close();

    const b = await openDatabase({ url: `file://${dir}` });
    expect(await b.prisma.location.count({ where: { id: 'osaka' } })).toBe(1);
    await b.close();
    expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual(['pglite']); // lock gone, nothing else left behind
  });

  test('a failed open releases the lock', async () => {
    const dir = path.join(tmp, 'not-a-dir');
    fs.writeFileSync(dir, 'a file where the data directory should be');
    await expect(openDatabase({ url: dir })).rejects.toThrow();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });
});

// ---- across processes ----

describe('the lock across processes', () => {
  test('a second process fails fast with a message naming the holder pid', async () => {
    const dir = migratedDir();
    const db = await openDatabase({ url: dir });
    try {
      const child = startChild('open', dir);
      const r = await child.exited;
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('ERROR DataDirLockedError');
      expect(r.stderr).toContain(`in use by process ${process.pid}`);
      expect(r.stderr).toContain(`kill ${process.pid}`);
      expect(r.ms).toBeLessThan(15_000); // no waiting for the lock
      expect(readLockHolder(`${dir}.lock`)?.pid).toBe(process.pid); // the loser did not touch our lock
      expect(await db.prisma.location.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  test('held by a child: refused here; once the child is killed (-9) the stale lock is recovered with its data', async () => {
    const dir = migratedDir();
    const child = startChild('open', dir, 'from-child');
    const childPid = await child.ready;
    expect(childPid).toBe(child.proc.pid);

    const err = (await openDatabase({ url: dir }).catch((e: unknown) => e)) as DataDirLockedError;
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect(err.holder.pid).toBe(childPid);
    expect(err.message).toContain(`process ${childPid}`);

    child.proc.kill('SIGKILL');
    await child.exited;
    expect(readLockHolder(`${dir}.lock`)?.pid).toBe(childPid); // no chance to clean up

    const db = await openDatabase({ url: dir });
    try {
      expect(readLockHolder(`${dir}.lock`)?.pid).toBe(process.pid);
      expect((await db.prisma.location.findUniqueOrThrow({ where: { id: 'from-child' } })).name).toBe(
        `written by ${childPid}`,
      );
    } finally {
      await db.close();
    }
  });

  test('a child that ends normally releases its lock without calling release()', async () => {
    const dir = path.join(tmp, 'db');
    const child = startChild('lock-exit', dir);
    await child.ready;
    const r = await child.exited;
    expect(r.code).toBe(0);
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });

  test('a child stopped with SIGTERM closes its database and frees the directory', async () => {
    const dir = migratedDir();
    const child = startChild('open', dir, 'graceful');
    await child.ready;
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    const db = await openDatabase({ url: dir });
    expect(await db.prisma.location.count({ where: { id: 'graceful' } })).toBe(1);
    await db.close();
  });
});
