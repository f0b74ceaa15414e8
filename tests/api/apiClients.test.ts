import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { bearerToken, clientForToken } from '../../src/http/apiAuth';

/** API_CLIENTS: clients, roles, scopes and stage maps from one variable; tokens only as hashes (R1, R22). */
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

function stageFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'stages-')), 'map.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('API_CLIENTS', () => {
  test('parses clients with role, scope and a per-type CRM stage map', () => {
    const file = stageFile({ Discovery: 'Secure customer LOE', Proposal: { solutionAssessment: 'presentToCustomer', coSell: 'Proposed' } });
    const config = loadConfig({ API_CLIENTS: `hq:admin:global:${sha('a-token')} ; crm:user:tokyo|osaka:${sha('b-token')}:${file}` });
    expect(config.API_CLIENTS.map((c) => [c.name, c.role, c.scope])).toEqual([
      ['hq', 'admin', { global: true, locations: [] }],
      ['crm', 'user', { global: false, locations: ['tokyo', 'osaka'] }],
    ]);
    expect(config.API_CLIENTS[1]!.stageMaps).toEqual({
      solutionAssessment: { Discovery: 'secureCustomerLoe', Proposal: 'presentToCustomer' },
      coSell: { Discovery: 'secureCustomerLoe', Proposal: 'proposed' },
    });
    expect(loadConfig({}).API_CLIENTS).toEqual([]);
  });

  test('finds a client by its token, never by the hash itself, and refuses everything else', () => {
    const clients = loadConfig({ API_CLIENTS: `hq:admin:global:${sha('a-token')};crm:user:tokyo:${sha('b-token')}` }).API_CLIENTS;
    expect(clientForToken(clients, 'b-token')?.name).toBe('crm');
    expect(clientForToken(clients, sha('b-token'))).toBeNull();
    expect(clientForToken(clients, 'b-token ')).toBeNull();
    expect(bearerToken('Bearer b-token')).toBe('b-token');
    expect(bearerToken('bearer  b-token')).toBe('b-token');
    expect(bearerToken('Basic Yjp0b2tlbg==')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  test.each([
    ['a bad role', `x:owner:global:${sha('t')}`, 'role must be admin or user'],
    ['no scope', `x:user::${sha('t')}`, 'scope must be "global"'],
    ['a plain token instead of its hash', 'x:user:global:my-secret-token', 'SHA-256'],
    ['the same name twice', `x:user:global:${sha('t')};x:admin:global:${sha('u')}`, 'listed twice'],
    ['a shared token', `x:user:global:${sha('t')};y:admin:global:${sha('t')}`, 'shares its token'],
    ['a missing stage map file', `x:user:global:${sha('t')}:/nonexistent/map.json`, 'stage map file'],
    ['a stage map naming no stage', `x:user:global:${sha('t')}:${stageFile({ Discovery: 'Somewhere' })}`, '"Somewhere" is not a standard stage'],
    ['a stage map that is not JSON', `x:user:global:${sha('t')}:${stageFile('{nope')}`, 'stage map file'],
  ])('%s stops the start with a clear message', (_what, value, message) => {
    let error: unknown;
    try {
      loadConfig({ API_CLIENTS: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problem = (error as ConfigError).problems.find((p) => p.variable === 'API_CLIENTS');
    expect(problem?.message).toContain(message);
    expect((error as ConfigError).message).not.toContain('my-secret-token');
  });
});
