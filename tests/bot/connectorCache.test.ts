import { ClaimsIdentity } from 'botframework-connector';
import { ConnectorReusingAuthentication } from '../../bot/connectorCache';

/**
 * Issue 16: Bot Connector clients are reused across turns (building one costs an Azure SDK pipeline per click), but
 * never across identities, service URLs or audiences — a reply must not go out with another bot's credentials or to
 * another region's connector.
 */
describe('Bot Connector clients are reused per identity, service URL and audience', () => {
  const auth = new ConnectorReusingAuthentication({ MicrosoftAppId: '00000000-0000-4000-8000-00000000b07a', MicrosoftAppPassword: 'not-a-real-secret' });
  const bot = (appId: string) => new ClaimsIdentity([{ type: 'aud', value: appId }, { type: 'appid', value: appId }], true);
  const JP = 'https://smba.trafficmanager.net/jp/';
  const AMER = 'https://smba.trafficmanager.net/amer/';

  it('the same bot and service URL get the same client on every turn', async () => {
    const first = await auth.createConnectorFactory(bot('00000000-0000-4000-8000-00000000b07a')).create(JP);
    const again = await auth.createConnectorFactory(bot('00000000-0000-4000-8000-00000000b07a')).create(JP);
    expect(again).toBe(first);
    expect((first as unknown as { baseUri: string }).baseUri).toBe(JP);
  });

  it('another service URL, audience or identity gets a client of its own', async () => {
    const factory = auth.createConnectorFactory(bot('00000000-0000-4000-8000-00000000b07a'));
    const jp = await factory.create(JP);
    const amer = await factory.create(AMER);
    expect(amer).not.toBe(jp);
    expect((amer as unknown as { baseUri: string }).baseUri).toBe(AMER);
    expect(await factory.create(JP, 'https://api.botframework.us')).not.toBe(jp);
    // Another bot's identity is not handed this bot's client: the SDK refuses to make credentials for it.
    await expect(auth.createConnectorFactory(bot('11111111-1111-4111-8111-111111111111')).create(JP)).rejects.toThrow('Invalid appId');
    expect(await factory.create(JP)).toBe(jp);
  });
});
