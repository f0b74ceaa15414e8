import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from '../src/log';
import type { Services } from '../src/services/services';
import { ConnectorGaveUp, DEFAULT_CONNECTOR_RETRY, tameConnectorClient, withConnectorRetry, type ConnectorRetryPolicy } from './connectorRetry';

/**
 * Proactive messaging: remembers every conversation the bot has been in, and sends or updates messages there
 * outside of a user's turn (referral cards, updates of posted deal cards). Those calls are retried by one deliberate
 * layer (bot/connectorRetry.ts): bounded attempts, backoff, Retry-After, a timeout per attempt.
 */
export class Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly conversations: Services['conversations'],
    /** The bot's app id ('' in local mode). */
    private readonly appId: string,
    private readonly logger?: Logger,
  ) {}

  /** How proactive calls are retried (tests shorten it). */
  retry: ConnectorRetryPolicy = { ...DEFAULT_CONNECTOR_RETRY };

  /** The connector asked (Retry-After) for a longer pause than we wait in place: no proactive call before then. */
  private pausedUntil = 0;

  /** Conversations saved by this process, with what was saved: an unchanged reference is not written again. */
  private readonly saved = new Map<string, string>();

  /**
   * Saves the conversation of the current turn (called on every message, invoke and install). True when it is new:
   * cards that were waiting for someone reachable (referrals no one could be told of) can go out now.
   */
  async remember(context: TurnContext): Promise<boolean> {
    const activity = context.activity;
    // Without the activity id: it changes with every message and click, and a proactive post needs only the rest.
    const { activityId: _perActivity, ...reference } = TurnContext.getConversationReference(activity);
    const id = activity.conversation?.id;
    if (!id) return false;
    const fingerprint = JSON.stringify([reference, activity.from?.aadObjectId]);
    if (this.saved.get(id) === fingerprint) return false;
    const kind = activity.conversation.conversationType ?? 'personal';
    let fresh: boolean;
    try {
      fresh = await this.conversations.remember(id, {
        kind,
        tenantId: activity.conversation.tenantId ?? null,
        userAadObjectId: kind === 'personal' ? (activity.from?.aadObjectId ?? null) : null,
        reference: reference as unknown as Record<string, unknown>,
      });
    } catch {
      // Remembering is best effort: the user's own request must not fail because of it. Tried again next turn.
      return false;
    }
    if (this.saved.size > 10_000) this.saved.clear();
    this.saved.set(id, fingerprint);
    return fresh;
  }

  async reference(conversationId: string): Promise<Partial<ConversationReference> | null> {
    const row = await this.conversations.get(conversationId);
    return row ? (row.reference as unknown as Partial<ConversationReference>) : null;
  }

  /**
   * One proactive turn in the conversation, on a connector client without the SDK's own retries, under our retry
   * policy. The adapter hands errors inside a turn to onTurnError and returns normally; they are caught here so
   * callers see the connector's answer (403 = the bot was removed from that conversation).
   */
  private async proactive<T>(
    conversationId: string,
    what: string,
    act: (ctx: TurnContext) => Promise<T>,
    known?: Partial<ConversationReference>,
  ): Promise<T> {
    const reference = known ?? (await this.reference(conversationId));
    if (!reference) throw new Error(`Unknown conversation ${conversationId}`);
    const policy = this.retry;
    const pause = this.pausedUntil - Date.now();
    if (pause > 0) throw new ConnectorGaveUp(new Error(`Bot Connector asked to wait ${Math.ceil(pause / 1000)} s more`), 0, pause);
    return withConnectorRetry(
      async () => {
        let result: { value: T } | undefined;
        let failure: unknown;
        await this.adapter.continueConversationAsync(this.appId, reference, async (ctx) => {
          tameConnectorClient(ctx.turnState.get(this.adapter.ConnectorClientKey), policy.timeoutMs);
          try {
            result = { value: await act(ctx) };
          } catch (err) {
            failure = err;
          }
        });
        if (failure || !result) throw failure ?? new Error(`${what}: the proactive turn did not run`);
        return result.value;
      },
      policy,
      ({ attempt, delayMs, err }) =>
        this.logger?.warn({ err, conversationId, attempt, delayMs }, `Bot Connector ${what} failed; retrying`),
    ).catch((err: unknown) => {
      if (err instanceof ConnectorGaveUp && err.retryAfterMs !== undefined) {
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + err.retryAfterMs);
      }
      throw err;
    });
  }

  /** Sends an activity into a remembered conversation; returns the new message id. Throws on connector errors. */
  async send(conversationId: string, activity: Partial<Activity>): Promise<string> {
    return this.proactive(conversationId, 'send', async (ctx) => (await ctx.sendActivity(activity))?.id ?? '');
  }

  /** Replaces a message the bot posted earlier (every copy of a deal card follows the deal). */
  async update(conversationId: string, activityId: string, activity: Partial<Activity>, reference?: Partial<ConversationReference>): Promise<void> {
    await this.proactive(
      conversationId,
      'update',
      async (ctx) => {
        await ctx.updateActivity({ ...activity, id: activityId, conversation: ctx.activity.conversation } as Partial<Activity>);
      },
      reference,
    );
  }
}
