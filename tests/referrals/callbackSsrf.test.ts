import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress, type ResolvedAddress } from '../../src/services/callbackTarget';
import type { TestApp } from '../helpers/testApp';
import { daysFromNow, pcReferral, postReferral, startCallbackReceiver, startReferralApp } from './referralTestKit';

/**
 * Issue 15 item 3: a sender's callback URL cannot reach this machine or its networks. Refused at intake (400,
 * nothing stored) and again at every delivery attempt, after resolving the host — and the connection goes to the
 * address that was checked, so DNS rebinding cannot slip through. `lastError` is a category, never the remote's
 * text. One slow host does not hold back other hosts' notifications.
 */

/** A resolver the test controls: host → the answers, one per call (the last one repeats). */
function scriptedDns(answers: Record<string, string[]>) {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<ResolvedAddress[]> => {
    calls.push(host);
    const list = answers[host];
    if (!list) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const n = calls.filter((h) => h === host).length;
    const address = list[Math.min(n, list.length) - 1] as string;
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return { resolve, calls };
}

const referralWith = (callbackUrl: string, daysAgo = 0) =>
  pcReferral({ createdDateTime: daysFromNow(-daysAgo).toISOString(), sender: { type: 'microsoft', name: 'Sato', callbackUrl } });

test('public unicast addresses pass the address check, IPv4 and IPv6 (only the special ranges are refused)', () => {
  for (const a of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700::1111', '2001:4860:4860::8888']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
  for (const a of ['::ffff:8.8.8.8', '64:ff9b::808:808', '::', '127.0.0.1', '255.255.255.255']) expect([a, isPublicAddress(a)]).toEqual([a, false]);
});

describe('callback addresses, CALLBACK_ALLOW_PRIVATE unset', () => {
  let app: TestApp;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  const dns = scriptedDns({
    'internal.example': ['10.1.2.3'],
    'metadata.example': ['169.254.169.254'],
    // Public when the referral arrives, this machine when the notification is sent (rebinding).
    'rebind.example': ['93.184.216.34', '127.0.0.1'],
  });

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    ({ app } = await startReferralApp({ CALLBACK_ALLOW_PRIVATE: '0' }, { resolve: dns.resolve }));
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  const LOCAL_SPELLINGS = [
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1/cb',
    'https://172.16.5.4/cb',
    'https://192.168.1.10/cb',
    'https://100.64.0.1/cb',
    'https://[::1]/cb',
    'https://[::ffff:127.0.0.1]/cb',
    'https://[::ffff:a9fe:a9fe]/cb',
    'https://[fe80::1]/cb',
    'https://[fd00:ec2::254]/cb',
    'https://224.0.0.1/cb',
    'https://0.0.0.0/cb',
    'https://168.63.129.16/cb',
    'http://127.1:8080/cb',
    'http://0x7f000001/cb',
    'http://2130706433/cb',
    'http://0177.0.0.1/cb',
    'http://localhost:8080/cb',
    'https://internal.example/cb',
    'https://metadata.example/cb',
  ];

  test.each(LOCAL_SPELLINGS)('%s is refused at intake with a field error, nothing stored', async (callbackUrl) => {
    const before = await app.db.prisma.deal.count();
    const res = await postReferral(app, referralWith(callbackUrl));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'sender.callbackUrl', code: 'callbackPrivateAddress' })]);
    expect(res.body.errors[0].message.ja).toContain('コールバック URL');
    expect(await app.db.prisma.deal.count()).toBe(before);
  });

  test('a public address that resolves to this machine at send time is refused then: nothing is sent, lastError says refused_address', async () => {
    const port = new URL(receiver.url).port;
    const res = await postReferral(app, referralWith(`https://rebind.example:${port}/referral-events`, 15));
    expect(res.status).toBe(201);
    await app.app.sweeper.runOnce(new Date());
    await app.settle();
    const report = await app.app.services.outbox.runOnce(daysFromNow(1));
    const row = await app.db.prisma.notification.findFirstOrThrow({ where: { dealId: res.body.dealId } });
    await waitFor(async () => (await app.db.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).status === 'failed', report);
    expect(await app.db.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed', lastError: 'refused_address' });
    expect(receiver.hits).toEqual([]);
  });
});

describe('callback delivery, CALLBACK_ALLOW_PRIVATE=1 (tests, on-premises)', () => {
  let app: TestApp;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  // localhost answers 127.0.0.1 once per question… and then an unreachable address: a second question would fail.
  const dns = scriptedDns({ localhost: ['127.0.0.1', '127.0.0.1', '10.255.255.1'] });

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    ({ app } = await startReferralApp({ CALLBACK_ALLOW_PRIVATE: '1' }, { resolve: dns.resolve }));
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  test('the delivery connects to the address it checked: one DNS question per attempt, none from the socket', async () => {
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    const res = await postReferral(app, referralWith(url, 15));
    expect(res.status).toBe(201);
    expect(dns.calls).toEqual(['localhost']); // the intake's check
    await app.app.sweeper.runOnce(new Date());
    await app.settle();
    await app.app.services.outbox.runOnce(daysFromNow(1));
    await receiver.waitFor((h) => h.body?.dealId === res.body.dealId);
    expect(dns.calls).toEqual(['localhost', 'localhost']);
    // The sweep's own wake-up of the outbox may have made the attempt (runOnce then finds it in flight): the receiver
    // has the callback a moment before the row says so.
    let row = await app.db.prisma.notification.findFirstOrThrow({ where: { dealId: res.body.dealId } });
    for (let waited = 0; row.status === 'pending' && row.lockedUntil && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = await app.db.prisma.notification.findFirstOrThrow({ where: { dealId: res.body.dealId } });
    }
    expect(row).toMatchObject({ status: 'delivered', lastError: null });
  });

  test('lastError is a category, never what the remote answered', async () => {
    const res = await postReferral(app, referralWith(receiver.url, 15));
    receiver.failNext(1, 404);
    await app.app.sweeper.runOnce(new Date());
    await app.settle();
    const row = await app.db.prisma.notification.findFirstOrThrow({ where: { dealId: res.body.dealId } });
    await waitFor(async () => {
      const now = await app.db.prisma.notification.findUniqueOrThrow({ where: { id: row.id } });
      return now.attempts === 1 && now.lockedUntil === null;
    });
    expect(await app.db.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'pending', lastError: 'http_4xx' });
  });
});

describe('per-host concurrency', () => {
  let app: TestApp;
  let fast: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let slow: Awaited<ReturnType<typeof startSlowReceiver>>;

  beforeAll(async () => {
    [fast, slow] = await Promise.all([startCallbackReceiver(), startSlowReceiver()]);
    const dns = scriptedDns({ localhost: ['127.0.0.1'] });
    ({ app } = await startReferralApp({ CALLBACK_ALLOW_PRIVATE: '1' }, { resolve: dns.resolve }));
  });
  afterAll(async () => {
    slow?.release();
    await app?.close();
    await fast?.close();
    await slow?.close();
  });

  test('a host that does not answer holds at most 2 attempts; another host’s notification is delivered meanwhile', async () => {
    const slowDeals: string[] = [];
    for (let i = 0; i < 3; i++) slowDeals.push((await postReferral(app, referralWith(slow.url, 15))).body.dealId);
    await app.app.sweeper.runOnce(new Date());
    await app.settle();
    // The sweep's commit kicked the outbox; the slow host now holds two attempts, the third waits for a slot.
    await slow.waitForInFlight(2);
    expect(app.app.services.outbox.inFlightByHost()).toEqual({ '127.0.0.1': 2 });

    const fastUrl = fast.url.replace('127.0.0.1', 'localhost');
    const fastDeal = (await postReferral(app, referralWith(fastUrl, 15))).body.dealId;
    await app.app.sweeper.runOnce(new Date());
    await app.settle();
    await fast.waitFor((h) => h.body?.dealId === fastDeal);
    expect(slow.maxInFlight).toBe(2);
    expect(slow.received).toBe(2);

    slow.release();
    await waitFor(async () => (await app.db.prisma.notification.count({ where: { dealId: { in: slowDeals }, status: 'delivered' } })) === 3);
    expect(slow.maxInFlight).toBe(2);
  });
});

/** A callback endpoint that holds every request until released (counts what is in flight at once). */
async function startSlowReceiver() {
  let inFlight = 0;
  let maxInFlight = 0;
  let received = 0;
  let released = false;
  const held: http.ServerResponse[] = [];
  const watchers = new Set<() => void>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      if (released) res.end('{}');
      else held.push(res);
      for (const w of [...watchers]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    get maxInFlight() {
      return maxInFlight;
    },
    get received() {
      return received;
    },
    waitForInFlight(n: number, timeoutMs = 5_000): Promise<void> {
      if (inFlight >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`slow receiver: ${inFlight} in flight, wanted ${n}`)), timeoutMs);
        const watcher = () => {
          if (inFlight < n) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve();
        };
        watchers.add(watcher);
      });
    },
    release() {
      released = true;
      for (const res of held.splice(0)) res.end('{}');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function waitFor(check: () => Promise<boolean>, context?: unknown, timeoutMs = 8_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met in time ${context ? JSON.stringify(context) : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
