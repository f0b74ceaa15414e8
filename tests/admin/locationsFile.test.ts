import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { readLocationsFile } from '../../src/services/locationsFile';
import { startTestApp } from '../helpers/testApp';

/** LOCATIONS_FILE: read at start, added or renamed (never removed), audited; a bad file stops the start clearly. */
describe('LOCATIONS_FILE', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cosell-locations-'));
  });
  const file = async (name: string, content: string) => {
    const p = path.join(dir, name);
    await writeFile(p, content, 'utf8');
    return p;
  };

  test('a CSV file is loaded at start; a second start with a JSON file renames and adds, keeping the rest', async () => {
    const csv = await file('locations.csv', '\uFEFFid,name,country\ncontoso-jp-tokyo,"Contoso Japan – Tokyo",jp\ncontoso-jp-osaka,Contoso Japan – Osaka,\n');
    const first = await startTestApp({ env: { LOCATIONS_FILE: csv } });
    try {
      const rows = await first.db.prisma.location.findMany({ orderBy: { id: 'asc' } });
      expect(rows.map((r) => [r.id, r.name, r.country])).toEqual([
        ['contoso-jp-osaka', 'Contoso Japan – Osaka', null],
        ['contoso-jp-tokyo', 'Contoso Japan – Tokyo', 'JP'],
      ]);
      const json = await file('locations.json', JSON.stringify([{ id: 'contoso-jp-tokyo', name: 'Contoso Tokyo' }, { id: 'contoso-jp-nagoya', name: 'Contoso Nagoya', country: 'JP' }]));
      const second = await startTestApp({ env: { LOCATIONS_FILE: json }, db: first.db });
      await second.close();
      const after = await first.db.prisma.location.findMany({ orderBy: { id: 'asc' } });
      expect(after.map((r) => [r.id, r.name])).toEqual([
        ['contoso-jp-nagoya', 'Contoso Nagoya'],
        ['contoso-jp-osaka', 'Contoso Japan – Osaka'],
        ['contoso-jp-tokyo', 'Contoso Tokyo'],
      ]);
      const events = await first.db.prisma.auditEvent.findMany({ where: { dealId: null }, orderBy: { id: 'asc' } });
      expect(events.map((e) => e.type)).toEqual(['LocationAdded', 'LocationAdded', 'LocationRenamed', 'LocationAdded']);
    } finally {
      await first.close();
    }
  });

  test.each([
    ['missing.json', null, /cannot be read \(ENOENT\)/],
    ['broken.json', '[{"id": "x",', /is not valid JSON/],
    ['bad-id.csv', 'id,name\ncontoso/tokyo,Tokyo\n', /row 1 \(id\): letters, digits/],
    ['bad-country.json', '[{"id":"a","name":"A"},{"id":"b","name":"B","country":"JPN"}]', /row 2 \(country\)/],
    ['duplicate.json', '[{"id":"a","name":"A"},{"id":"A","name":"B"}]', /duplicate id "A"/],
  ])('%s is refused with a message naming the problem', async (name, content, message) => {
    const p = content === null ? path.join(dir, name) : await file(name, content);
    const err = await readLocationsFile(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    expect((err as ConfigError).message).toMatch(/LOCATIONS_FILE/);
    expect((err as ConfigError).message).toMatch(message);
  });

  test('a bad file stops the start', async () => {
    const p = await file('empty-name.json', '[{"id":"a","name":""}]');
    await expect(startTestApp({ env: { LOCATIONS_FILE: p } })).rejects.toThrow(/LOCATIONS_FILE: .*row 1 \(name\)/);
  });
});
