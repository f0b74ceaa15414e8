/**
 * The list loads of the benchmarks (issue 16): filtered `GET /api/deals` pages and the `deals` chat command, each
 * request cycling through the same filters (status, direction, type + stage, location, a name search).
 */
import { runLoad, type LoadResult } from './load';
import { BENCH_ADMIN } from './seed';

export const API_TOKEN = 'bench-api-token-0123456789abcdef';

const headers = { 'content-type': 'application/json' };

/** A message from the bench admin in a personal chat, answered through `serviceUrl` (the connector stand-in). */
export function chatMessage(text: string, serviceUrl: string, n: number) {
  return {
    type: 'message',
    id: `bench-msg-${n}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${BENCH_ADMIN.aadObjectId}`, name: BENCH_ADMIN.name, aadObjectId: BENCH_ADMIN.aadObjectId },
    recipient: { id: '28:bench-bot', name: 'Co-sell' },
    conversation: { id: 'a:bench-personal', conversationType: 'personal', tenantId: 'bench-tenant' },
    channelData: { tenant: { id: 'bench-tenant' } },
    locale: 'en-US',
    text,
  };
}

export async function say(base: string, text: string, serviceUrl: string, n: number): Promise<number> {
  const res = await fetch(`${base}/api/messages`, { method: 'POST', headers, body: JSON.stringify(chatMessage(text, serviceUrl, n)) });
  await res.arrayBuffer();
  return res.status;
}

const API_FILTERS = ['status=Active&$top=20', 'direction=Incoming&status=New&$top=20', 'type=solutionAssessment&stage=accepted&$top=20', 'location=bench-osaka&$top=50', 'q=Bench%20deal%2099&$top=20'];
const CHAT_FILTERS = ['deals', 'deals inbound', 'deals type:sa stage:accepted', 'deals location:bench-osaka', 'deals status:active'];

/** `GET /api/deals` with the filters in turn, as the API client `API_TOKEN` (a global admin). */
export function apiListLoad(base: string, clients: number, seconds: number): Promise<LoadResult> {
  return runLoad(clients, seconds, async (_c, i) => {
    const res = await fetch(`${base}/api/deals?${API_FILTERS[i % API_FILTERS.length]}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    await res.arrayBuffer();
    return res.status === 200;
  });
}

/** The `deals` chat command with the filters in turn, replies going to `serviceUrl`. */
export function chatListLoad(base: string, serviceUrl: string, clients: number, seconds: number): Promise<LoadResult> {
  return runLoad(clients, seconds, async (_c, i) => {
    const status = await say(base, CHAT_FILTERS[i % CHAT_FILTERS.length]!, serviceUrl, i);
    return status === 200 || status === 201;
  });
}
