import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite takes no lock on its data directory: a second process opening it gets in silently and the two corrupt
 * each other. Every process that opens the directory takes this exclusive lock first: a file `<dataDir>.lock`
 * holding the holder's pid.
 *
 * - The file appears atomically with its content (written to a temp file, then hard-linked into place), so a
 *   reader never sees a half-written lock.
 * - A lock whose holder is gone is stale and recovered: the pid is dead, or (on Linux) the pid now belongs to a
 *   different process than the one that wrote the lock (pid reuse, e.g. a container restarted as pid 1).
 * - A lock written on another host is never taken over automatically: we cannot tell whether it is alive.
 * - The lock is released by `release()`, and on a normal process exit. A process killed by a signal leaves the
 *   file behind; the next start recovers it as stale.
 */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** Identifies the holder process beyond its pid (Linux: boot id + start time); absent elsewhere. */
  started?: string;
  /** Random per lock; release() only removes a file carrying its own token. */
  token?: string;
}

export type LockConflict = 'otherProcess' | 'thisProcess' | 'otherHost';

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    readonly conflict: LockConflict = 'otherProcess',
  ) {
    super(DataDirLockedError.describe(dataDir, holder, conflict));
    this.name = 'DataDirLockedError';
  }

  private static describe(dataDir: string, holder: LockHolder, conflict: LockConflict): string {
    const since = `since ${holder.since}`;
    switch (conflict) {
      case 'thisProcess':
        return (
          `The database directory ${dataDir} is already open in this process (pid ${holder.pid}, ${since}). ` +
          `Close the first database before opening it again.`
        );
      case 'otherHost':
        return (
          `The database directory ${dataDir} is locked by process ${holder.pid} on host ${holder.host} ` +
          `(${holder.command}, ${since}). Only one process may open the embedded database at a time. ` +
          `If that process no longer runs, delete ${dataDir}.lock and try again.`
        );
      default:
        return (
          `The database directory ${dataDir} is in use by process ${holder.pid} (${holder.command}, ${since}). ` +
          `Only one process may open the embedded database at a time: stop that process (kill ${holder.pid}) ` +
          `and try again, or point DATABASE_URL at a PostgreSQL server to run several processes.`
        );
    }
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

// Shared through globalThis so that module copies (jest gives each test file its own registry) agree on what this
// process holds, and so that one 'exit' listener serves every lock.
interface Registry {
  held: Map<string, { token: string; release(): void }>;
  exitHooked: boolean;
}
const REGISTRY_KEY = Symbol.for('cosell-bot.dataDirLocks');
function registry(): Registry {
  const g = globalThis as { [REGISTRY_KEY]?: Registry };
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = { held: new Map(), exitHooked: false };
    g[REGISTRY_KEY] = r;
  }
  if (!r.exitHooked) {
    r.exitHooked = true;
    const reg = r;
    process.once('exit', () => {
      for (const entry of [...reg.held.values()]) entry.release();
    });
  }
  return r;
}

/** Linux: `<boot id>:<start time in clock ticks>` of a process; undefined when it cannot be read. */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is parenthesised and may contain spaces; field 22 (starttime) is the 20th after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[19];
    const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return startTicks ? `${bootId}:${startTicks}` : undefined;
  } catch {
    return undefined;
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the holder (on this host) still runs. */
function holderAlive(holder: LockHolder): boolean {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  if (!pidExists(holder.pid)) return false;
  if (holder.started) {
    const now = processIdentity(holder.pid);
    if (now !== undefined && now !== holder.started) return false; // the pid was reused
  }
  return true;
}

function readRaw(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseHolder(raw: string | undefined): LockHolder | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number') {
      return {
        pid: parsed.pid,
        host: typeof parsed.host === 'string' ? parsed.host : '?',
        command: typeof parsed.command === 'string' ? parsed.command : '?',
        since: typeof parsed.since === 'string' ? parsed.since : '?',
        ...(typeof parsed.started === 'string' ? { started: parsed.started } : {}),
        ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
      };
    }
  } catch {
    // unparsable: treated as stale by the caller
  }
  return undefined;
}

/** Reads the holder recorded in a lock file, if any. */
export function readLockHolder(file: string): LockHolder | undefined {
  return parseHolder(readRaw(file));
}

/** Creates `file` with `content` only if it does not exist; the content is complete when the file appears. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // A filesystem without hard links: exclusive create, then write (a reader may briefly see it empty).
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeFileSync(fd, content);
      } finally {
        fs.closeSync(fd);
      }
      return true;
    } catch (err2) {
      if ((err2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Removes a stale lock file, but only if it still holds `staleRaw`: it is moved aside first, so a fresh lock that
 * another process created in the meantime is put back instead of deleted.
 */
function removeStale(file: string, staleRaw: string | undefined): void {
  const aside = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw err;
  }
  const moved = readRaw(aside);
  if (moved !== staleRaw) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // a third process took the lock meanwhile; nothing left to restore
    }
  }
  fs.rmSync(aside, { force: true });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** An unreadable lock younger than this may still be being written (filesystems without hard links). */
const UNREADABLE_GRACE_MS = 2000;

/** Takes the lock `<dataDir>.lock` or throws DataDirLockedError naming the live holder. Stale locks are recovered. */
export function lockDataDir(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const dir = path.resolve(dataDir);
  const file = `${dir}.lock`;
  const reg = registry();
  const mine = reg.held.get(file);
  if (mine) {
    const holder = readLockHolder(file) ?? { pid: process.pid, host: os.hostname(), command, since: '?' };
    throw new DataDirLockedError(dir, holder, 'thisProcess');
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });

  const token = crypto.randomUUID();
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command: command || 'node',
    since: new Date().toISOString(),
    token,
  };
  const started = processIdentity(process.pid);
  if (started) me.started = started;
  const deadline = Date.now() + UNREADABLE_GRACE_MS + 1000;

  for (let attempt = 0; ; attempt++) {
    if (createExclusive(file, JSON.stringify(me))) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (reg.held.get(file)?.token === token) reg.held.delete(file);
        try {
          if (readLockHolder(file)?.token === token) fs.rmSync(file, { force: true });
        } catch {
          // left behind, it is recovered as stale by the next process (this one is done with it)
        }
      };
      reg.held.set(file, { token, release });
      return { file, release };
    }
    if (attempt > 50 || Date.now() > deadline) {
      throw new Error(`Could not lock ${dir}: the lock file ${file} keeps changing`);
    }
    const raw = readRaw(file);
    if (raw === undefined) continue; // released meanwhile
    const holder = parseHolder(raw);
    if (!holder) {
      let ageMs = Infinity;
      try {
        ageMs = Date.now() - fs.statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (ageMs < UNREADABLE_GRACE_MS) {
        sleepSync(50);
        continue;
      }
      removeStale(file, raw); // unreadable and old: a crash mid-write, or garbage
      continue;
    }
    if (holder.host !== me.host) throw new DataDirLockedError(dir, holder, 'otherHost');
    if (holder.pid === process.pid) {
      // Our pid, but not in this registry: either another thread/module copy of this very process, or a previous
      // process that had the same pid (a container restarted as pid 1). Only a differing start time tells them apart.
      const previousIncarnation =
        holder.started !== undefined && me.started !== undefined && holder.started !== me.started;
      if (!previousIncarnation) throw new DataDirLockedError(dir, holder, 'thisProcess');
    } else if (holderAlive(holder)) {
      throw new DataDirLockedError(dir, holder, 'otherProcess');
    }
    removeStale(file, raw);
  }
}
