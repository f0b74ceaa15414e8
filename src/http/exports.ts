import type { Request, Response, Server } from 'restify';
import { CONTENT_TYPE, dealsFile, exportFileName } from '../../cards/exportFile';
import { dayIn, type Text } from '../domain';
import type { Logger } from '../log';
import type { ExportService } from '../services/exports';
import { requestIdOf } from './server';

/**
 * Issue 17: `GET /exports/<signed id>.xlsx|.csv` — the download links `export` gives in channels and group chats. The
 * signature (HMAC with EXPORT_LINK_SECRET) is checked before anything is read: a forged or altered link is 404, a
 * genuine one past EXPORT_LINK_MINUTES is 410. The file holds the deals its requester may see now (a scope taken away
 * since gives nothing), and the download is audited.
 */

const ANSWERS = {
  EXPORT_NOT_FOUND: { en: 'There is no export at this address.', ja: 'このアドレスにエクスポートはありません。' },
  EXPORT_EXPIRED: { en: 'This download link has expired. Type "export" in Teams again for a new one.', ja: 'このダウンロード リンクは期限切れです。Teams でもう一度「エクスポート」と入力してください。' },
  EXPORT_NO_SCOPE: { en: 'The person who asked for this export no longer has a location in their scope.', ja: 'このエクスポートを依頼した人の担当の場所がなくなりました。' },
} as const satisfies Record<string, Text>;

function refuse(req: Request, res: Response, status: number, code: keyof typeof ANSWERS): void {
  res.status(status);
  res.header('cache-control', 'no-store');
  res.json({ code, message: ANSWERS[code], requestId: requestIdOf(req) });
}

export function registerExportRoutes(server: Server, deps: { exports: ExportService; logger: Logger }): void {
  server.get('/exports/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const m = /^(.+)\.([a-z]+)$/.exec(file);
    const now = new Date();
    const checked = m ? deps.exports.check(m[1]!, m[2]!, now) : ({ ok: false, status: 404, code: 'EXPORT_NOT_FOUND' } as const);
    if (!checked.ok) return refuse(req, res, checked.status, checked.code);
    const prepared = await deps.exports.prepare(checked.exportId, now);
    if (!prepared.ok) return prepared.refusal === 'NO_SCOPE' ? refuse(req, res, 403, 'EXPORT_NO_SCOPE') : refuse(req, res, 410, 'EXPORT_EXPIRED');
    const bytes = await dealsFile(prepared.request.locale, prepared.deals, checked.format);
    await deps.exports.recordDelivery(prepared, { format: checked.format, via: 'link' });
    deps.logger.info({ exportId: checked.exportId, format: checked.format, rows: prepared.deals.length, by: prepared.actor.id }, 'export downloaded');
    const name = exportFileName(dayIn(now, prepared.deals[0]?.locationTimeZone ?? 'UTC'), checked.format);
    res.writeHead(200, {
      'content-type': CONTENT_TYPE[checked.format],
      'content-length': String(bytes.length),
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(bytes);
  });
}
