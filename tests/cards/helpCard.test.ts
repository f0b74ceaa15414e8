import { COMMANDS } from '../../bot/commands';
import { helpCard, helpCardData } from '../../cards/helpCard';
import { renderCard } from '../../cards/render';
import { cardText } from '../helpers/teams';

describe('help card', () => {
  it.each(['en', 'ja'] as const)('%s: Adaptive Card 1.5, every command, fully bound, small', (locale) => {
    const card = helpCard(locale, { commands: COMMANDS });
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const json = JSON.stringify(card);
    expect(json).not.toContain('${');
    expect(Buffer.byteLength(json)).toBeLessThan(80 * 1024);
    const text = cardText(card);
    for (const c of COMMANDS) {
      expect(text).toContain(c.en);
      expect(text).toContain(c.ja);
    }
  });

  it.each(['en', 'ja'] as const)('%s: admin commands wait behind a toggle; a user without the role gets no toggle', (locale) => {
    const card = helpCard(locale, { commands: COMMANDS });
    const hidden = card.body.find((b) => (b as { id?: string }).id === 'adminCommands') as { isVisible: boolean };
    expect(hidden.isVisible).toBe(false);
    // The command names as the card shows them (bold runs), not words inside descriptions.
    const hiddenNames = JSON.stringify(hidden);
    for (const c of COMMANDS) expect(hiddenNames.includes(`"text":${JSON.stringify(c[locale])}`)).toBe(Boolean((c as { admin?: boolean }).admin));
    expect(JSON.stringify(card)).toContain('Action.ToggleVisibility');

    const forUsers = helpCard(locale, { commands: COMMANDS.filter((c) => !(c as { admin?: boolean }).admin) });
    expect(JSON.stringify(forUsers)).not.toContain('ToggleVisibility');
    expect(forUsers.body.some((b) => (b as { id?: string }).id === 'adminCommands')).toBe(false);
  });

  it('shows the "not recognised" notice only when asked', () => {
    expect(helpCard('en', { commands: COMMANDS }).body).toHaveLength(helpCard('en', { commands: COMMANDS, unrecognized: true }).body.length - 1);
    expect(helpCardData('ja', { commands: COMMANDS, unrecognized: true }).notice).not.toBe('');
  });

  it('does not evaluate template expressions found in data', () => {
    const card = renderCard(
      { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '${name}' }] },
      { name: '${1+1}' },
    );
    expect(card.body).toEqual([{ type: 'TextBlock', text: '${1+1}' }]);
  });
});

describe('renderCard', () => {
  it('refuses a template above Adaptive Cards 1.5', () => {
    expect(() => renderCard({ type: 'AdaptiveCard', version: '1.6', body: [] }, {})).toThrow(/1\.5/);
  });
});

describe('renderCard, missing data', () => {
  it('names template fields missing from the data', () => {
    expect(() =>
      renderCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '${title} ${sub.name}' }] }, { title: 'x' }),
    ).toThrow(/sub\.name/);
  });
});
