import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestApp } from '../helpers/testApp';
import { z } from 'zod';
import { referral } from '../helpers/fixtures';
import { DealListSchema, DealSchema } from '../../src/http/partnerCenterShape';
import { call, startApiApp } from './apiKit';

/**
 * GET /api/openapi.json: a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator), generated
 * from the zod schemas, that lists every route the server answers.
 */

// The validator is an ES module; jest's CommonJS sandbox cannot import it, plain Node can.
async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const script = `
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(${JSON.stringify(file)});
    process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
  return JSON.parse(stdout);
}

describe('GET /api/openapi.json', () => {
  let app: TestApp;
  let doc: any;

  beforeAll(async () => {
    ({ app } = await startApiApp());
    const res = await call(app, 'GET', '/api/openapi.json', { as: null });
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => app?.close());

  test('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('the validator is not a rubber stamp: a broken document fails', async () => {
    const broken = { ...doc, paths: { ...doc.paths, '/api/deals': { get: { responses: 'none' } } } };
    expect((await validate(broken)).valid).toBe(false);
  });

  test('lists every route the server answers, with its method', () => {
    const routes = Object.values(app.app.server.router.getRoutes()).map((r: any) => `${r.method.toLowerCase()} ${String(r.path).replace(/:(\w+)/g, '{$1}')}`);
    expect(routes).toEqual(expect.arrayContaining(['get /api/deals', 'get /api/deals/{id}', 'patch /api/deals/{id}', 'patch /api/deals/{id}/registration', 'post /api/referrals']));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(routes.sort());
  });

  test('the deal and patch schemas are the zod ones: Partner Center field names, the editable paths, the error shape', () => {
    const deal = doc.components.schemas.Deal;
    expect(Object.keys(deal.properties)).toEqual(
      expect.arrayContaining(['id', 'name', 'status', 'substatus', 'type', 'customerProfile', 'consent', 'details', 'team', 'createdDateTime', 'updatedDateTime', 'expirationDateTime', 'eTag', 'dealType', 'salesStage', 'location', 'registration']),
    );
    expect(Object.keys(deal.properties.details.properties).sort()).toEqual(['closingDateTime', 'currency', 'dealValue', 'notes', 'requirements']);
    expect(doc.components.schemas.JsonPatch.items.properties.op.enum).toEqual(['replace', 'add']);
    expect(doc.components.schemas.JsonPatch.items.properties.path.description).toContain('/salesStage');
    const patch = doc.paths['/api/deals/{id}'].patch;
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '204', '404', '409', '412', '413', '422', '428']));
    expect(patch.parameters.find((p: any) => p.name === 'If-Match').required).toBe(true);
    const list = doc.paths['/api/deals'].get.parameters.map((p: any) => p.name);
    expect(list).toEqual(['direction', 'type', 'dealType', 'status', 'substatus', 'stage', 'location', 'updatedSince', 'q', '$top', 'cursor']);
    // The intake's request is the schema src/http/referrals.ts validates with; optional fields stay optional.
    const referral = doc.components.schemas.Referral;
    expect(referral.required).toEqual(expect.arrayContaining(['id', 'name', 'customerProfile', 'consent', 'details', 'targetLocation', 'sender']));
    expect(referral.properties.sender.required).toEqual(['type', 'name']);
  });

  test('a real answer of the API is exactly the documented shape (no field more, none missing)', async () => {
    const received = await app.app.services.commands.receive(referral());
    if (!received.ok) throw new Error(received.refusal.code);
    const res = await call(app, 'GET', '/api/deals?$top=1');
    expect(res.status).toBe(200);
    expect(() => DealListSchema.extend({ value: z.array(DealSchema.strict()) }).strict().parse(res.body)).not.toThrow();
    expect(res.body.value[0]).toMatchObject({ customerProfile: { name: 'Northwind Traders KK', ids: { duns: '987654321' } }, consent: { consentToContact: true } });
  });
});
