import { MANDATORY_SA_STAGES } from '../src/domain';
import { runLoad, type LoadResult } from './load';
import { BENCH_ADMIN } from './seed';

export const invoke = (verb: string, data: Record<string, unknown>, n: number) => ({
  type: 'invoke',
  name: 'adaptiveCard/action',
  id: `bench-${n}`,
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:9/',
  from: { id: `29:${BENCH_ADMIN.aadObjectId}`, name: BENCH_ADMIN.name, aadObjectId: BENCH_ADMIN.aadObjectId },
  recipient: { id: '28:bench-bot', name: 'Co-sell' },
  conversation: { id: `a:bench-personal`, conversationType: 'personal', tenantId: 'bench-tenant' },
  channelData: { tenant: { id: 'bench-tenant' } },
  locale: 'en-US',
  value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
});

async function post(port: number, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** The echo bot answering the same invoke shape with a fixed card. */
export function echoLoad(port: number, clients: number, seconds: number): Promise<LoadResult> {
  return runLoad(clients, seconds, async (c, i) => (await post(port, invoke('echo', { c, i }, i))).status === 200);
}

/**
 * cosell-bot's stage completion: each client works its own slice of deals, completing the four SA stages of one
 * deal after another, so every request is a real, successful state change (read, decide, write, audit, card).
 */
export function stageCompletionLoad(port: number, dealIds: string[], clients: number, seconds: number): Promise<LoadResult> {
  const perClient = Math.floor(dealIds.length / clients);
  return runLoad(clients, seconds, async (c, i) => {
    const deal = dealIds[c * perClient + Math.floor(i / 4)];
    if (!deal) return false;
    const stage = MANDATORY_SA_STAGES[i % 4];
    const { status, json } = await post(port, invoke('deal.completeStage', { dealId: deal, stage }, i));
    return status === 200 && JSON.stringify(json).includes('completed');
  });
}

/**
 * R16 / R18 by card click: each request answers one New referral of its own, accepting it (with the accept form's
 * fields) or declining it with a reason — a real state change with its note, audit event, sender notification and
 * card refresh, like a stage completion.
 */
export function referralAnswerLoad(port: number, dealIds: string[], answer: 'accept' | 'decline', clients: number, seconds: number): Promise<LoadResult> {
  const perClient = Math.floor(dealIds.length / clients);
  return runLoad(clients, seconds, async (c, i) => {
    const dealId = dealIds[c * perClient + i];
    if (!dealId || i >= perClient) return false;
    const data =
      answer === 'accept'
        ? { dealId, version: 1, name: `Bench accepted ${i}`, value: '1500000', currency: 'JPY', closeDate: '2030-06-30', notes: 'Accepted in the bench' }
        : { dealId, version: 1, reason: 'timelineTooShort', message: 'Declined in the bench' };
    const { status, json } = await post(port, invoke(answer === 'accept' ? 'referral.acceptSubmit' : 'referral.declineSubmit', data, i));
    return status === 200 && JSON.stringify(json).includes(answer === 'accept' ? 'Accepted' : 'Declined');
  });
}
