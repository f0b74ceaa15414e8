import { MessageFactory, type Attachment, type FileConsentCardResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { t, type Locale } from '../cards/i18n';
import { dealsFile, exportFileName, type ExportFormat } from '../cards/exportFile';
import { messageCard } from '../cards/messageCard';
import { linksCard } from '../cards/exportCard';
import { cardAttachment } from '../cards/render';
import { LIST_SEPARATOR, dayIn, refuse } from '../src/domain';
import { EXPORT_FORMATS, EXPORT_MAX_ROWS } from '../src/services/exports';
import { uploadFile } from '../src/services/fileUpload';
import type { BotServices } from './botServices';
import { parseDealFilters } from './dealCommands';
import type { TextHandler } from './handlerTypes';
import type { Turn } from './turn';

/**
 * Issue 17: `export` / `エクスポート` (the filters of `deals`) — the deals of the person's scope as .xlsx and .csv. In
 * personal chat through Teams' file consent card: on accept the file is made and PUT to the upload URL Teams gives
 * (checked first, src/services/fileUpload.ts), then shown with a file info card; on decline a polite word. Elsewhere
 * (channels, group chats) short-lived signed links under PUBLIC_BASE_URL (src/http/exports.ts). Deliveries are audited.
 */

export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

const reply = (turn: Pick<Turn, 'context'>, title: string, lines: string[] = [], style: 'default' | 'attention' | 'good' = 'attention') =>
  turn.context.sendActivity(MessageFactory.attachment(cardAttachment(messageCard(title, lines, style))));

export const exportDeals: TextHandler = async (turn, args, services) => {
  const { locale, actor, context } = turn;
  if (actor.role === null) return void (await reply(turn, t(locale, 'export.title'), [refuse('NO_ROLE').message[locale]]));
  const parsed = await parseDealFilters(args, locale, services);
  if (!parsed.ok) return void (await reply(turn, t(locale, 'export.title'), [parsed.error, t(locale, 'deals.usage')]));
  const filters = parsed.words.join(LIST_SEPARATOR[locale]) || t(locale, 'export.allDeals');
  const asked = await services.exports.request(actor, parsed.filter, filters, locale);
  if (!asked.ok) return void (await reply(turn, t(locale, 'export.title'), [t(locale, 'export.noScope')]));
  if (!asked.request) return void (await reply(turn, t(locale, 'export.title'), [t(locale, 'export.none')], 'default'));
  const more = asked.more ? t(locale, 'export.more', { max: EXPORT_MAX_ROWS }) : '';
  const count = asked.deals.length;
  const day = dayIn(new Date(), turn.timeZone);
  if ((context.activity.conversation?.conversationType ?? 'personal') === 'personal') {
    const attachments: Attachment[] = [];
    for (const format of EXPORT_FORMATS) {
      const bytes = await dealsFile(locale, asked.deals, format);
      const ctx = { exportId: asked.request.id, format };
      attachments.push({
        contentType: FILE_CONSENT_CARD,
        name: exportFileName(day, format),
        content: {
          description: t(locale, format === 'xlsx' ? 'export.consent.xlsx' : 'export.consent.csv', { count }),
          sizeInBytes: bytes.length,
          acceptContext: ctx,
          declineContext: ctx,
        },
      });
    }
    const intro = [t(locale, 'export.consent.intro', { count, filters }), more].filter(Boolean).join('\n\n');
    await context.sendActivity({ type: 'message', text: intro, textFormat: 'plain', attachments });
    return;
  }
  const links = EXPORT_FORMATS.map((format) => ({ format, url: services.exports.link(asked.request, format) }));
  if (links.some((l) => !l.url)) return void (await reply(turn, t(locale, 'export.title'), [t(locale, 'export.link.unavailable')]));
  const card = linksCard(locale, { count, filters, minutes: services.exports.linkMinutes, more, links: links as { format: ExportFormat; url: string }[] });
  await context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
};

const ConsentContext = z.object({ exportId: z.string().uuid(), format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]) });
const UploadInfo = z.object({
  uploadUrl: z.string().min(1).max(4_000),
  contentUrl: z.string().max(4_000).optional(),
  name: z.string().max(400).optional(),
  uniqueId: z.string().max(400).optional(),
  fileType: z.string().max(40).optional(),
});

/** The person allowed the upload: the file is made from their scope now, checked-URL PUT, then shown as a file card. */
export async function acceptFileConsent(context: TurnContext, turn: Turn, services: BotServices, response: FileConsentCardResponse): Promise<void> {
  const { locale } = turn;
  const ctx = ConsentContext.safeParse(response.context);
  const info = UploadInfo.safeParse(response.uploadInfo);
  if (!ctx.success || !info.success) return void (await reply(turn, t(locale, 'export.expired')));
  const prepared = await services.exports.prepare(ctx.data.exportId, new Date(), turn.user.id);
  if (!prepared.ok) return void (await reply(turn, t(locale, prepared.refusal === 'NO_SCOPE' ? 'export.noScope' : 'export.expired')));
  const fileLocale: Locale = prepared.request.locale;
  const bytes = await dealsFile(fileLocale, prepared.deals, ctx.data.format);
  const uploaded = await uploadFile(info.data.uploadUrl, bytes, { allowPrivate: services.config.FILE_UPLOAD_ALLOW_PRIVATE });
  if (!uploaded.ok) {
    services.logger.warn({ code: uploaded.code, reason: uploaded.reason, exportId: ctx.data.exportId }, 'export upload did not happen');
    return void (await reply(turn, t(locale, uploaded.code === 'EXPORT_UPLOAD_REFUSED' ? 'export.uploadRefused' : 'export.uploadFailed', { code: uploaded.code })));
  }
  await services.exports.recordDelivery(prepared, { format: ctx.data.format, via: 'fileConsent' });
  await context.sendActivity({
    type: 'message',
    attachments: [
      {
        contentType: FILE_INFO_CARD,
        contentUrl: info.data.contentUrl,
        name: info.data.name ?? exportFileName(dayIn(new Date(), turn.timeZone), ctx.data.format),
        content: { uniqueId: info.data.uniqueId, fileType: info.data.fileType ?? ctx.data.format },
      },
    ],
  });
}

export async function declineFileConsent(turn: Turn): Promise<void> {
  await reply(turn, t(turn.locale, 'export.declined'), [], 'default');
}
