import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TENANT_ID } from './teams';

/**
 * The real server in a process of its own (src/main.ts through tests/helpers/registerTs.js, no build needed), for
 * tests that kill it, restart it, or run two of them side by side.
 */
const ROOT = path.resolve(__dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^Microsoft/i.test(k) || k === 'NODE_OPTIONS' || k.startsWith('JEST') || k === 'TEST_DB') continue;
    env[k] = v;
  }
  // The daily digest (issue 17) posts on the wall clock: off unless a test asks for it.
  return { ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', DIGEST_AT: 'off', ...extra };
}

export function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './tests/helpers/registerTs.js', 'src/main.ts'], {
      cwd: ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child,
        url: m[1]!,
        output: () => out,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
        async kill9() {
          if (child.exitCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

/** A Teams-shaped Action.Execute invoke, as plain JSON for a server in another process. */
export function invokeBody(verb: string, data: Record<string, unknown>, from: { aadObjectId: string; name: string }, serviceUrl = 'http://127.0.0.1:9/') {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `inv-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${from.aadObjectId}`, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:bot', name: 'Co-sell' },
    // The same organisation as every other Teams activity of the tests (the bot serves one tenant).
    conversation: { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    locale: 'en-US',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}
