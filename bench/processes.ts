import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export interface Running {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
  rssMb(): number;
}

function rssOf(pid: number): number {
  try {
    const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** Starts a node program and waits until it reports its port (a JSON log `url` or a `listening <port>` line). */
export function startProcess(args: string[], env: Record<string, string>): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no port reported by ${args.join(' ')}:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)|"url":"http:\/\/[^:]+:(\d+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        const port = Number(m[1] ?? m[2]);
        resolve({
          port,
          child,
          rssMb: () => rssOf(child.pid!),
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}

/** The real server, compiled (npm run build), on the given database. */
export function startBot(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<Running> {
  return startProcess(['dist/src/main.js'], {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...extraEnv,
  });
}

export function startEcho(): Promise<Running> {
  return startProcess(['-r', './tests/helpers/registerTs.js', 'bench/echoServer.ts'], { PORT: '0' });
}

/** The floor of the click benchmark (bench/floorServer.ts) on the given database. */
export function startFloor(databaseUrl: string): Promise<Running> {
  return startProcess(['-r', './tests/helpers/registerTs.js', 'bench/floorServer.ts'], { FLOOR_DATABASE: databaseUrl, PORT: '0' });
}
