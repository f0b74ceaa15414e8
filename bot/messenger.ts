import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Prisma, PrismaClient } from '@prisma/client';

/**
 * Proactive messaging: remembers every conversation the bot has been in, and sends or updates messages there
 * outside of a user's turn (referral cards, updates of posted deal cards).
 */
export class Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly prisma: PrismaClient,
    /** The bot's app id ('' in local mode). */
    private readonly appId: string,
  ) {}

  /** Conversations saved by this process, with what was saved: an unchanged reference is not written again. */
  private readonly saved = new Map<string, string>();

  /** Saves the conversation of the current turn (called on every message, invoke and install). */
  async remember(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const reference = TurnContext.getConversationReference(activity);
    const id = activity.conversation?.id;
    if (!id) return;
    const fingerprint = JSON.stringify([reference, activity.from?.aadObjectId]);
    if (this.saved.get(id) === fingerprint) return;
    const kind = activity.conversation.conversationType ?? 'personal';
    const data = {
      kind,
      tenantId: activity.conversation.tenantId ?? null,
      userAadObjectId: kind === 'personal' ? (activity.from?.aadObjectId ?? null) : null,
      reference: reference as unknown as Prisma.InputJsonValue,
    };
    try {
      await this.prisma.conversationRef.upsert({ where: { id }, create: { id, ...data }, update: data });
    } catch {
      // Remembering is best effort: the user's own request must not fail because of it. Tried again next turn.
      return;
    }
    if (this.saved.size > 10_000) this.saved.clear();
    this.saved.set(id, fingerprint);
  }

  async reference(conversationId: string): Promise<Partial<ConversationReference> | null> {
    const row = await this.prisma.conversationRef.findUnique({ where: { id: conversationId } });
    return row ? (row.reference as unknown as Partial<ConversationReference>) : null;
  }

  /** Sends an activity into a remembered conversation; returns the new message id. Throws on connector errors. */
  async send(conversationId: string, activity: Partial<Activity>): Promise<string> {
    const reference = await this.reference(conversationId);
    if (!reference) throw new Error(`Unknown conversation ${conversationId}`);
    let id = '';
    // The adapter hands errors inside a turn to onTurnError and returns normally; catch here so callers see the
    // connector's answer (403 = the bot was removed from that conversation).
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.appId, reference, async (ctx) => {
      try {
        const sent = await ctx.sendActivity(activity);
        id = sent?.id ?? '';
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure;
    return id;
  }

  /** Replaces a message the bot posted earlier (every copy of a deal card follows the deal). */
  async update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void> {
    const reference = await this.reference(conversationId);
    if (!reference) throw new Error(`Unknown conversation ${conversationId}`);
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.appId, reference, async (ctx) => {
      try {
        await ctx.updateActivity({ ...activity, id: activityId, conversation: reference.conversation } as Partial<Activity>);
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure;
  }
}
