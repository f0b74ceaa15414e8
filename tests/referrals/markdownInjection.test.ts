import { adaptiveCards, channelMessage } from '../helpers/teams';
import { markdownTexts, rendererHtml, visibleText } from '../helpers/adaptiveCards';
import type { TestApp } from '../helpers/testApp';
import { PEOPLE, pcReferral, postReferral, startReferralApp } from './referralTestKit';

/**
 * Issue 15, item 2, through the real path: a sender names its referral like a link and writes Markdown in its
 * notes; the card posted to Teams shows those words, with no link, no bold and no list — in every text Teams
 * formats (TextBlocks and facts), as the official renderer draws them.
 */

const NAME = '[Click to verify](https://evil.example/login)';
const NOTES = '**URGENT** [Open in Partner Center](https://evil.example/pc)\n- reply within 1 hour';
const INVITE = '<b>Act now</b> & [verify](https://evil.example/v) _today_';
const CUSTOMER = 'Fabrikam *Japan* [KK](https://evil.example/kk)';
const SENDER = '# Microsoft [Security](https://evil.example/sec)';

describe('a referral full of Markdown, as Teams shows it', () => {
  let app: TestApp;
  beforeAll(async () => {
    ({ app } = await startReferralApp());
    await app.post(channelMessage('link location contoso-jp-tokyo', { from: PEOPLE.tokyoAdmin }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is posted with every outside string shown as typed, and nothing formatted', async () => {
    app.stub.reset();
    const res = await postReferral(
      app,
      pcReferral({
        name: NAME,
        customerProfile: { name: CUSTOMER },
        details: { notes: NOTES },
        inviteContext: { notes: INVITE, invitedBy: { organizationId: 'ms-seller-org', organizationName: 'Microsoft Japan' } },
        sender: { type: 'microsoft', name: SENDER, email: 'sato@microsoft.example' },
      }),
    );
    expect(res.status).toBe(201);
    const posted = await app.stub.waitFor((c) => adaptiveCards(c.activity).length > 0);
    const [card] = adaptiveCards(posted.activity);

    const rendered = markdownTexts(card).map(rendererHtml);
    for (const html of rendered) expect(html).not.toMatch(/<(a|strong|em|ul|ol|li|h\d|blockquote|code)\b/);
    const shown = rendered.map(visibleText).join('\n');
    for (const typed of [NAME, CUSTOMER, SENDER, INVITE]) expect(shown).toContain(typed);
    // The card shows the first lines of the sender's note (a preview), literally.
    expect(shown).toContain('**URGENT** [Open in Partner Center](https://evil.example/pc)');
  });
});
