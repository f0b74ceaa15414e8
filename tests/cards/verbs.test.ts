import fs from 'node:fs';
import path from 'node:path';
import { CARD_VERBS } from '../../bot/actions';
import { WIZARD_VERB } from '../../bot/dialogs/wizardTypes';
import { VERBS } from '../../cards/verbs';

/**
 * One verb table (issue 12): a button never leads nowhere and no handler waits for a button that cannot exist. Every
 * verb a JSON template spells is in VERBS; every VERBS entry has a handler (or is the wizard's); every handler's verb
 * is in VERBS.
 */
describe('card verbs', () => {
  const known = new Set<string>(Object.values(VERBS));
  const handled = new Set([...Object.keys(CARD_VERBS), WIZARD_VERB]);

  test('every verb written in a card template is in VERBS', () => {
    const dir = path.resolve(__dirname, '../../cards/templates');
    const written = fs
      .readdirSync(dir)
      .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/"verb":\s*"([^"$]+)"/g)].map((m) => ({ file: f, verb: m[1]! })));
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((w) => !known.has(w.verb))).toEqual([]);
  });

  test('every verb in VERBS has a handler, and every handler a verb in VERBS', () => {
    expect([...known].filter((v) => !handled.has(v))).toEqual([]);
    expect([...handled].filter((v) => !known.has(v))).toEqual([]);
  });
});
