import { text, type Params, type Text } from './text';

/**
 * A refusal is a value: a stable code that programs branch on, and a message a user can read in ja and en.
 * Codes never change meaning; messages may be reworded.
 */
export const REFUSAL_MESSAGES = {
  INVALID_INPUT: { en: 'Some entries need fixing.', ja: '入力内容に修正が必要な項目があります。' },
  NOT_FOUND: { en: 'That deal does not exist or you cannot see it.', ja: 'その取引は存在しないか、表示する権限がありません。' },
  NO_ROLE: {
    en: 'You have no Referrals role yet. Ask a Referrals admin to give you one.',
    ja: '紹介の役割がまだ割り当てられていません。紹介管理者に依頼してください。',
  },
  LOCATION_OUT_OF_SCOPE: {
    en: 'The location {location} is not in your scope.',
    ja: '場所「{location}」はあなたのスコープに含まれていません。',
  },
  NOT_ON_TEAM: {
    en: 'Only members of the deal team (or a Referrals admin) can do this.',
    ja: 'この操作は取引チームのメンバー (または紹介管理者) のみが行えます。',
  },
  REQUIRES_ADMIN: { en: 'Only a Referrals admin can do this.', ja: 'この操作は紹介管理者のみが行えます。' },
  DEAL_CLOSED: {
    en: 'This deal is closed ({substatus}); it can no longer be changed.',
    ja: 'この取引は終了しています ({substatus})。これ以上変更できません。',
  },
  NOT_A_REFERRAL: {
    en: 'Only a new incoming referral can be accepted or declined.',
    ja: '承諾または辞退できるのは、受け取ったばかりのインバウンドの紹介のみです。',
  },
  ALREADY_ACCEPTED: { en: 'Already accepted by {by}.', ja: '{by}さんがすでに承諾しました。' },
  ALREADY_DECLINED: { en: 'Already declined by {by}.', ja: '{by}さんがすでに辞退しました。' },
  ALREADY_EXPIRED: {
    en: 'This referral expired on {date} without an answer.',
    ja: 'この紹介は {date} に応答がないまま期限切れになりました。',
  },
  NOT_ACTIVE: {
    en: 'Accept the referral first; this is possible only on an active deal.',
    ja: 'まず紹介を承諾してください。この操作はアクティブな取引でのみ可能です。',
  },
  NOT_DUE: { en: 'This referral is not due to expire yet.', ja: 'この紹介はまだ有効期限に達していません。' },
  IMMUTABLE_FIELD: {
    en: '{fieldName} cannot be changed after the deal is created.',
    ja: '{fieldName}は取引の作成後に変更できません。',
  },
  UNKNOWN_FIELD: { en: '"{fieldName}" is not a field that can be edited.', ja: '「{fieldName}」は編集できる項目ではありません。' },
  NOTHING_TO_CHANGE: { en: 'Nothing was changed.', ja: '変更点がありません。' },
  STALE_VERSION: {
    en: 'Someone changed this deal in the meantime. Here is its current state; please try again.',
    ja: 'この取引は他のユーザーによって更新されました。最新の状態を表示しています。もう一度お試しください。',
  },
  STAGES_INCOMPLETE: {
    en: 'Complete all four sales stages first (next: {next}).',
    ja: '先に 4 つの販売ステージをすべて完了してください (次: {next})。',
  },
  STAGE_OUT_OF_ORDER: {
    en: 'Stages are completed in order: complete "{next}" before "{stage}".',
    ja: 'ステージは順番に完了します。「{stage}」の前に「{next}」を完了してください。',
  },
  STAGE_ALREADY_COMPLETE: {
    en: '"{stage}" was already completed by {by}.',
    ja: '「{stage}」は{by}さんがすでに完了しています。',
  },
  STAGE_NOT_FORWARD: {
    en: 'The deal is already at "{current}" ({percent} %); stages only move forward.',
    ja: '取引はすでに「{current}」({percent}%) です。販売ステージは先に進めることしかできません。',
  },
  STAGE_NOT_FOR_TYPE: {
    en: '"{stage}" is not a stage of a {type} deal.',
    ja: '「{stage}」は{type}取引のステージではありません。',
  },
  UNKNOWN_STAGE: {
    en: '"{value}" is not a known stage. Accepted: {accepted}.',
    ja: '「{value}」は不明な販売ステージです。使用できる値: {accepted}。',
  },
  NOT_WON: { en: 'Registration is possible only after the deal is won.', ja: '登録は取引が受注になった後にのみ可能です。' },
  REGISTRATION_NOT_ELIGIBLE: {
    en: 'This solution is not eligible for registration.',
    ja: 'このソリューションは登録の対象ではありません。',
  },
  REGISTRATION_EXISTS: {
    en: 'This deal is already registered ({status}).',
    ja: 'この取引はすでに登録されています ({status})。',
  },
  NO_REGISTRATION: { en: 'This deal has no registration to review.', ja: '審査する登録がありません。' },
  REGISTRATION_ALREADY_REVIEWED: {
    en: 'The registration was already reviewed ({status}).',
    ja: '登録はすでに審査されています ({status})。',
  },
  OWN_REGISTRATION: {
    en: 'You submitted this registration, so another Referrals admin has to review it.',
    ja: 'この登録はあなたが送信したため、ほかの紹介管理者が審査する必要があります。',
  },
  SYSTEM_ONLY: { en: 'This happens automatically; nobody can do it by hand.', ja: 'これは自動的に行われるため、手動では実行できません。' },
} as const satisfies Record<string, Text>;

export type RefusalCode = keyof typeof REFUSAL_MESSAGES;

export interface FieldError {
  /** Dotted path of the field, e.g. `team.0.email`. */
  field: string;
  code: string;
  message: Text;
}

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: Text;
  readonly params: Params;
  readonly fieldErrors: readonly FieldError[];
}

export function refuse(code: RefusalCode, params: Params = {}, fieldErrors: readonly FieldError[] = []): Refusal {
  return { code, message: text(REFUSAL_MESSAGES[code], params), params, fieldErrors };
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && 'code' in x && 'message' in x && 'fieldErrors' in x;
}
