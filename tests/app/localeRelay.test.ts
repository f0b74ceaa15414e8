import { PlaygroundLocale, startLocaleRelay, type LocaleRelay } from '../../scripts/localeRelay';
import { startTestApp, type TestApp } from '../helpers/testApp';
import { adaptiveCards, ALICE, cardAction, cardText, personalMessage } from '../helpers/teams';
import { actionsOf } from '../wizard/wizardDriver';
import { seedWizard, withRole } from '../wizard/wizardSetup';

/**
 * `PLAYGROUND_LOCALE=ja-JP npm run playground`: the Agents Playground sends every activity as en-US; the relay in
 * front of the bot makes it arrive as a Japanese Teams client's would, so the bot answers in Japanese — typed
 * messages (answered through the connector) and card clicks (answered in the invoke response, back through the relay).
 */
let app: TestApp;
let relay: LocaleRelay;

beforeAll(async () => {
  app = await startTestApp();
  await seedWizard(app.db.prisma);
  await withRole(app.db.prisma, ALICE, 'alice@contoso.example');
  relay = await startLocaleRelay(`${app.url}/api/messages`, PlaygroundLocale.parse('ja-JP'));
});

afterAll(async () => {
  await relay?.close();
  await app?.close();
});

/** What the playground sends: en-US, clientInfo country US, serviceUrl pointing at its own connector. */
function postThroughRelay(activity: object) {
  return fetch(relay.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...activity, serviceUrl: app.stub.url }),
  });
}

test('PLAYGROUND_LOCALE takes a language and a region; the region is the country the client reports', () => {
  expect(PlaygroundLocale.parse('ja-JP')).toEqual({ locale: 'ja-JP', country: 'JP' });
  expect(PlaygroundLocale.parse(' ja_jp ')).toEqual({ locale: 'ja-JP', country: 'JP' });
  expect(PlaygroundLocale.parse('en-GB')).toEqual({ locale: 'en-GB', country: 'GB' });
  for (const bad of ['ja', 'japanese', 'ja-JPN', '', 'ja-JP; rm']) expect(PlaygroundLocale.safeParse(bad).success).toBe(false);
});

test('an en-US "新しい取引" from the playground comes back as the Japanese wizard; sent directly it stays English', async () => {
  const direct = await app.post(personalMessage('新しい取引', { from: ALICE, locale: 'en-US' }));
  expect(direct.status).toBe(200);
  const english = app.stub.sent().map((a) => adaptiveCards(a).map(cardText).join('\n')).join('\n');
  expect(english).toContain('New deal · step 1 of 6');
  await app.post(personalMessage('cancel', { from: ALICE, locale: 'en-US' }));

  const before = app.stub.calls.length;
  const res = await postThroughRelay(personalMessage('新しい取引', { from: ALICE, locale: 'en-US' }));
  expect(res.status).toBe(200);
  const posted = app.stub.calls.slice(before).filter((c) => c.kind === 'send' || c.kind === 'reply');
  const card = posted.map((c) => adaptiveCards(c.activity)[0]).find((c) => c && cardText(c).includes('新しい取引・ステップ 1/6'));
  expect(card).toBeDefined();
  expect(cardText(card)).not.toContain('New deal');

  // Clicking Cancel on that card (an invoke, also sent as en-US): the answer card comes back through the relay.
  const cancel = actionsOf(card).find((a) => a.data?.nav === 'cancel');
  const replyToId = posted.find((c) => adaptiveCards(c.activity)[0] === card)?.id;
  const clicked = await postThroughRelay(cardAction('newDeal', cancel.data, { from: ALICE, locale: 'en-US', replyToId }));
  expect(clicked.status).toBe(200);
  const answer = (await clicked.json()) as { statusCode: number; type: string; value: unknown };
  expect(answer).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  expect(cardText(answer.value)).toContain('新しい取引をキャンセルしました。');
});

test('a body that is not an activity is refused at the relay; a bot that is gone is a 502, not a hang', async () => {
  const before = app.stub.calls.length;
  const garbage = await fetch(relay.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"locale": ' });
  expect(garbage.status).toBe(400);
  const notAnObject = await fetch(relay.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' });
  expect(notAnObject.status).toBe(400);
  expect(app.stub.calls.length).toBe(before);

  // Port 9 (discard) on loopback: nothing listens there.
  const orphan = await startLocaleRelay('http://127.0.0.1:9/api/messages', { locale: 'ja-JP', country: 'JP' });
  try {
    const res = await fetch(orphan.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(personalMessage('新しい取引')) });
    expect(res.status).toBe(502);
  } finally {
    await orphan.close();
  }
});
