import { parseCommand } from '../../bot/commands';
import { ALICE, BOB, adaptiveCards, cardText, installationUpdate, membersAdded, personalMessage, teamsUser } from '../helpers/teams';
import { startTestApp, type TestApp } from '../helpers/testApp';

/** The first-run greeting, through /api/messages, as Teams sends install events. */
describe('welcome on install', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  const sentTo = (conversationId: string) => app.stub.calls.filter((c) => c.conversationId === conversationId && (c.kind === 'send' || c.kind === 'reply'));
  const conversationOf = (activity: { conversation: { id: string } }) => activity.conversation.id;

  test('installed in a personal chat (en): a greeting with what it can do and a New deal button that types the command', async () => {
    const install = membersAdded({ from: ALICE, locale: 'en-US' });
    const res = await app.post(install);
    expect(res.status).toBeLessThan(300);
    const calls = sentTo(conversationOf(install));
    expect(calls).toHaveLength(1);
    const card = adaptiveCards(calls[0]!.activity)[0];
    expect(card.version).toBe('1.5');
    const text = cardText(card);
    expect(text).toContain('Welcome to Co-sell deals, Alice Sato');
    expect(text).toContain('Create a co-sell or solution assessment deal step by step');
    expect(text).toContain('Answer referrals from Microsoft and partners');
    const newDeal = card.actions[0];
    expect(newDeal).toMatchObject({ type: 'Action.Submit', title: 'New deal', data: { command: 'new deal' } });
    // The button's text is the command the bot routes to the deal wizard.
    expect(parseCommand(newDeal.data.command)?.id).toBe('newDeal');
    expect(parseCommand(card.actions[1].data.command)?.id).toBe('inbox');
    expect(parseCommand(card.actions[2].data.command)?.id).toBe('help');
    // The conversation is remembered for later proactive messages (referrals, reminders).
    expect(await app.db.prisma.conversationRef.count({ where: { id: conversationOf(install) } })).toBe(1);
  });

  test('Teams also sends installationUpdate for the same install: greeted once, not twice', async () => {
    const install = installationUpdate('add', { from: ALICE, locale: 'en-US' });
    await app.post(install);
    expect(sentTo(conversationOf(install))).toHaveLength(1);
  });

  test('installed by a Japanese user (installationUpdate first, with the locale only in clientInfo): greeted in Japanese', async () => {
    const install = installationUpdate('add', { from: BOB, locale: 'ja-JP' });
    delete install.locale; // some install events carry the language only in the clientInfo entity
    await app.post(install);
    await app.post(membersAdded({ from: BOB, locale: 'ja-JP' }));
    const calls = sentTo(conversationOf(install));
    expect(calls).toHaveLength(1);
    const card = adaptiveCards(calls[0]!.activity)[0];
    const text = cardText(card);
    expect(text).toContain('Bob Suzukiさん、共同販売取引ボットへようこそ');
    expect(text).toContain('共同販売取引またはソリューション評価取引を');
    expect(text).not.toContain('Welcome');
    expect(card.actions[0]).toMatchObject({ title: '新しい取引', data: { command: '新しい取引' } });
    expect(parseCommand(card.actions[0].data.command)?.id).toBe('newDeal');
  });

  test('added to a team: the channel greeting names nobody and says to @mention the bot', async () => {
    const install = membersAdded({ from: ALICE, chat: 'channel', locale: 'en-US' });
    await app.post(install);
    const calls = sentTo(conversationOf(install));
    expect(calls).toHaveLength(1);
    const text = cardText(adaptiveCards(calls[0]!.activity)[0]);
    expect(text).toContain('Welcome to Co-sell deals');
    expect(text).not.toContain('Alice');
    expect(text).toContain('@mention me');
  });

  test('people joining a chat the bot is already in are not greeted; removing the app says nothing', async () => {
    const carol = teamsUser('Carol Ito');
    const join = membersAdded({ from: ALICE, chat: 'groupChat', membersAdded: [{ id: carol.id, name: carol.name, aadObjectId: carol.aadObjectId }] });
    await app.post(join);
    await app.post(installationUpdate('remove', { from: ALICE, chat: 'groupChat' }));
    expect(sentTo(conversationOf(join))).toHaveLength(0);
  });

  test.each([
    ['en-US', 'new deal'],
    ['ja-JP', '新しい取引'],
  ])('pressing New deal (%s) does exactly what typing "%s" does', async (locale, command) => {
    const dana = teamsUser(`Dana ${locale}`);
    const people = app.app.services.people;
    const location = await people.upsertLocation('contoso-tokyo', 'Contoso Japan – Tokyo', 'JP');
    const user = await people.ensureUser({ aadObjectId: dana.aadObjectId, name: dana.name, email: `${dana.aadObjectId}@contoso.example` });
    await people.setRole(user.id, 'user', { global: false, locations: [location.id] });
    const replyText = async (activity: ReturnType<typeof personalMessage>) => {
      await app.post(activity);
      const replies = sentTo(activity.conversation.id);
      expect(replies.length).toBeGreaterThan(0);
      return replies.map((c) => c.activity.text ?? adaptiveCards(c.activity).map(cardText).join('\n')).join('\n');
    };
    const typed = await replyText(personalMessage(command, { from: dana, locale, conversationId: `typed-${locale}` }));
    const pressed = await replyText(personalMessage('', { from: dana, locale, conversationId: `pressed-${locale}`, value: { command } }));
    expect(pressed).toBe(typed);
    // Not the help card: the command ran.
    expect(pressed).not.toContain(locale === 'ja-JP' ? 'そのメッセージは認識できませんでした' : "I didn't recognise that");
    expect(pressed).not.toContain(locale === 'ja-JP' ? 'コマンドを入力してください' : 'Type one of these commands');
  });

  test('unknown text after the greeting gets an answer with the help button, not silence', async () => {
    const before = app.stub.calls.length;
    const msg = personalMessage('hello?', { from: ALICE });
    await app.post(msg);
    const reply = app.stub.calls.slice(before).find((c) => c.conversationId === conversationOf(msg));
    expect(cardText(adaptiveCards(reply!.activity)[0])).toContain('"hello?" is not a command.');
  });
});
