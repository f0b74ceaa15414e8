import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

/**
 * Builders for activities shaped like the ones Microsoft Teams posts to a bot: ids with Teams prefixes, tenant in
 * conversation and channelData, `<at>` mention text in channels and group chats, locale from the client.
 */

export const TENANT_ID = '72f988bf-0000-4000-8000-00000000beef';
export const BOT = { id: '28:00000000-0000-4000-8000-00000000b07a', name: 'Co-sell' } as const;

/** A Teams activity as the builders make it: the fields Teams always sends are present, the rest optional. */
export type TeamsActivity = Partial<Activity> &
  Pick<Activity, 'type' | 'id' | 'channelId' | 'serviceUrl' | 'from' | 'recipient' | 'conversation' | 'locale' | 'channelData'>;

export interface TeamsUser {
  /** Teams user id, `29:…`. */
  id: string;
  /** Entra ID (AAD) object id: the identity the product keys users on. */
  aadObjectId: string;
  name: string;
}

export function teamsUser(name: string, aadObjectId: string = randomUUID()): TeamsUser {
  return { id: `29:1${aadObjectId.replace(/-/g, '')}`, aadObjectId, name };
}

export const ALICE = teamsUser('Alice Sato', '11111111-1111-4111-8111-111111111111');
export const BOB = teamsUser('Bob Suzuki', '22222222-2222-4222-8222-222222222222');

export interface TeamRef {
  id: string;
  name: string;
  aadGroupId: string;
}
export interface ChannelRef {
  id: string;
  name: string;
}

export const SALES_TEAM: TeamRef = {
  id: '19:salesTeamGeneral0000@thread.tacv2',
  name: 'Japan Sales',
  aadGroupId: '33333333-3333-4333-8333-333333333333',
};
export const DEALS_CHANNEL: ChannelRef = { id: '19:dealsChannel0000@thread.tacv2', name: 'Co-sell deals' };

export type ChatKind = 'personal' | 'channel' | 'groupChat';

interface CommonOptions {
  /** The connector (stub) URL; testApp's post() fills it in when absent. */
  serviceUrl?: string;
  from?: TeamsUser;
  /** `ja-JP`, `en-US`, …; default `en-US`. */
  locale?: string;
  chat?: ChatKind;
  /** Overrides the conversation id (defaults: one per user for personal, fixed ids for channel and group chat). */
  conversationId?: string;
  team?: TeamRef;
  channel?: ChannelRef;
  tenantId?: string;
}

export interface MessageOptions extends CommonOptions {
  /** Whether the text starts with an @mention of the bot. Default: true in channels and group chats. */
  mentionBot?: boolean;
  /** Card submit value (Action.Submit arrives as a message with `value`). */
  value?: unknown;
}

export interface InvokeOptions extends CommonOptions {
  /** The id of the message that carries the card (Teams sets replyToId to it). */
  replyToId?: string;
}

function conversationOf(o: CommonOptions, from: TeamsUser, tenantId: string): Activity['conversation'] {
  const chat = o.chat ?? 'personal';
  if (chat === 'personal') {
    return {
      id: o.conversationId ?? `a:1personal-${from.aadObjectId}`,
      conversationType: 'personal',
      tenantId,
      isGroup: false,
      name: '',
    };
  }
  if (chat === 'channel') {
    const channel = o.channel ?? DEALS_CHANNEL;
    return {
      id: o.conversationId ?? `${channel.id};messageid=1700000000000`,
      conversationType: 'channel',
      tenantId,
      isGroup: true,
      name: '',
    };
  }
  return { id: o.conversationId ?? '19:groupchat0000@thread.v2', conversationType: 'groupChat', tenantId, isGroup: true, name: '' };
}

function base(o: CommonOptions): TeamsActivity {
  const from = o.from ?? ALICE;
  const tenantId = o.tenantId ?? TENANT_ID;
  const locale = o.locale ?? 'en-US';
  const chat = o.chat ?? 'personal';
  const channelData: Record<string, unknown> = { tenant: { id: tenantId } };
  if (chat === 'channel') {
    const team = o.team ?? SALES_TEAM;
    const channel = o.channel ?? DEALS_CHANNEL;
    Object.assign(channelData, {
      teamsTeamId: team.id,
      teamsChannelId: channel.id,
      team: { id: team.id, name: team.name, aadGroupId: team.aadGroupId },
      channel: { id: channel.id, name: channel.name },
    });
  }
  return {
    type: 'message',
    id: `${Date.now()}${Math.floor(Math.random() * 1000)}`,
    timestamp: new Date(),
    localTimestamp: new Date(),
    localTimezone: locale.startsWith('ja') ? 'Asia/Tokyo' : 'America/Los_Angeles',
    channelId: 'msteams',
    serviceUrl: o.serviceUrl ?? '',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: BOT.id, name: BOT.name },
    conversation: conversationOf(o, from, tenantId),
    channelData,
    locale,
    entities: [
      { type: 'clientInfo', locale, country: locale.startsWith('ja') ? 'JP' : 'US', platform: 'Web', timezone: 'Asia/Tokyo' },
    ],
  };
}

/** A typed chat message. In channels and group chats it @mentions the bot, as Teams requires there. */
export function message(text: string, o: MessageOptions = {}): TeamsActivity {
  const activity = base(o);
  const chat = o.chat ?? 'personal';
  const mention = o.mentionBot ?? chat !== 'personal';
  if (mention) {
    const mentionText = `<at>${BOT.name}</at>`;
    activity.text = `${mentionText} ${text}`;
    activity.entities = [
      ...(activity.entities ?? []),
      { type: 'mention', text: mentionText, mentioned: { id: BOT.id, name: BOT.name } },
    ];
  } else {
    activity.text = text;
  }
  activity.textFormat = 'plain';
  if (o.value !== undefined) activity.value = o.value;
  return activity;
}

export const personalMessage = (text: string, o: Omit<MessageOptions, 'chat'> = {}) => message(text, { ...o, chat: 'personal' });
export const channelMessage = (text: string, o: Omit<MessageOptions, 'chat'> = {}) => message(text, { ...o, chat: 'channel' });
export const groupChatMessage = (text: string, o: Omit<MessageOptions, 'chat'> = {}) => message(text, { ...o, chat: 'groupChat' });

/** A Universal Action click: invoke `adaptiveCard/action` with an Action.Execute verb and its data. */
export function cardAction(verb: string, data: Record<string, unknown> = {}, o: InvokeOptions = {}): TeamsActivity {
  const activity = base(o);
  activity.type = 'invoke';
  activity.name = 'adaptiveCard/action';
  activity.value = { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' };
  if (o.replyToId) activity.replyToId = o.replyToId;
  return activity;
}

export interface SearchOptions extends InvokeOptions {
  /** The card's Data.Query dataset; default `customers`. */
  dataset?: string;
  skip?: number;
  top?: number;
  /** The card's other inputs, as Teams adds them for `associatedInputs: "auto"`; absent = not sent. */
  data?: Record<string, unknown>;
}

/**
 * A dynamic type-ahead query (Input.ChoiceSet with `choices.data` Data.Query): invoke `application/search`, as Teams
 * sends one while the user types (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/dynamic-search).
 */
export function typeaheadSearch(queryText: unknown, o: SearchOptions = {}): TeamsActivity {
  const activity = base(o);
  activity.type = 'invoke';
  activity.name = 'application/search';
  activity.value = {
    queryText,
    queryOptions: { skip: o.skip ?? 0, top: o.top ?? 15 },
    dataset: o.dataset ?? 'customers',
    ...(o.data ? { data: o.data } : {}),
  };
  if (o.replyToId) activity.replyToId = o.replyToId;
  return activity;
}

/** Adaptive Card attachments of an outgoing activity. */
export function adaptiveCards(activity: { attachments?: { contentType: string; content: any }[] }): any[] {
  return (activity.attachments ?? [])
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => a.content);
}

/** All text of a card (TextBlock texts, fact titles/values, action titles), for language assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown, markdown = false): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, markdown));
    if (typeof node !== 'object' || node === null) return;
    const isTextBlock = (node as { type?: unknown }).type === 'TextBlock';
    const isFactSet = (node as { type?: unknown }).type === 'FactSet';
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'text' || k === 'title' || k === 'value' || k === 'label' || k === 'placeholder') && typeof v === 'string') {
        out.push((isTextBlock && k === 'text') || (markdown && (k === 'title' || k === 'value')) ? unescapeMarkdown(v) : v);
      } else walk(v, isFactSet && k === 'facts');
    }
  };
  walk(card);
  return out.join('\n');
}

/**
 * TextBlock and Fact text is Markdown, with outside text backslash-escaped (cards/markdown.ts); a reader sees it
 * without the backslashes, as CommonMark removes them before ASCII punctuation.
 */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

export interface MembersAddedOptions extends CommonOptions {
  /** Who joined; default: the bot (an install). */
  membersAdded?: { id: string; name: string; aadObjectId?: string }[];
}

/** A conversationUpdate as Teams sends it when the app is installed (the bot among membersAdded) or people join. */
export function membersAdded(o: MembersAddedOptions = {}): TeamsActivity {
  const activity = base(o);
  activity.type = 'conversationUpdate';
  activity.membersAdded = o.membersAdded ?? [{ id: BOT.id, name: BOT.name }];
  if ((o.chat ?? 'personal') === 'channel') (activity.channelData as Record<string, unknown>).eventType = 'teamMemberAdded';
  return activity;
}

/** An installationUpdate (`add` when the app is installed, `remove` when it is removed). */
export function installationUpdate(action: 'add' | 'remove' = 'add', o: CommonOptions = {}): TeamsActivity {
  const activity = base(o);
  activity.type = 'installationUpdate';
  activity.action = action;
  return activity;
}

/** The cards the bot sent in reply to this activity (not what a job posted meanwhile), from the calls after `before`. */
export function replyCards(calls: readonly { kind: string; activityId?: string; activity: { attachments?: { contentType: string; content: any }[] } }[], activity: { id?: string }): any[] {
  return calls.filter((c) => c.kind === 'reply' && c.activityId === activity.id).flatMap((c) => adaptiveCards(c.activity));
}
