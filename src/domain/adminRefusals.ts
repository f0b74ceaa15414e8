import { REFUSAL_MESSAGES, type RefusalCode } from './refusals';
import { text, type Params, type Text } from './text';

/**
 * Refusals of the administration rules (roles, scopes, locations; permissions.ts). Kept beside the deal refusals
 * rather than inside them: they never come out of `decide`, and the deal suite checks that every deal code is
 * produced by the machine.
 */
export const ADMIN_REFUSAL_MESSAGES = {
  REQUIRES_GLOBAL_ADMIN: {
    en: 'Only a global Referrals admin (scope: all locations) can do this.',
    ja: 'この操作はグローバル紹介管理者 (スコープ: すべての場所) のみが行えます。',
  },
  GLOBAL_SCOPE_REQUIRES_GLOBAL_ADMIN: {
    en: 'Only a global Referrals admin can give someone the whole company as scope.',
    ja: '会社全体のスコープを付与できるのはグローバル紹介管理者のみです。',
  },
  TARGET_OUT_OF_SCOPE: {
    en: '{name} has a scope beyond yours ({scope}); only a global Referrals admin can change their role.',
    ja: '{name}さんのスコープ ({scope}) はあなたのスコープを超えているため、役割を変更できるのはグローバル紹介管理者のみです。',
  },
  SCOPE_EMPTY: {
    en: 'Name at least one location for the role, or "global".',
    ja: '役割には場所を 1 つ以上、または「global」を指定してください。',
  },
  LAST_GLOBAL_ADMIN: {
    en: '{name} is the last global Referrals admin and cannot lose that role. Make someone else a global admin first.',
    ja: '{name}さんは最後のグローバル紹介管理者のため、この役割を外せません。先に他の人をグローバル管理者にしてください。',
  },
  LOCATION_HAS_DEALS: {
    en: 'The location {location} has {count} deal(s) and cannot be removed. Deals keep their location for good.',
    ja: '場所「{location}」には {count} 件の取引があるため削除できません。取引の場所は変更されません。',
  },
  LOCATION_HAS_PEOPLE: {
    en: 'The location {location} is still in the scope of {names}. Change their roles first.',
    ja: '場所「{location}」はまだ{names}さんのスコープに含まれています。先に役割を変更してください。',
  },
  LOCATION_EXISTS: {
    en: 'A location with the id {location} already exists.',
    ja: 'ID「{location}」の場所はすでに存在します。',
  },
} as const satisfies Record<string, Text>;

export type AdminRefusalCode = keyof typeof ADMIN_REFUSAL_MESSAGES;

export interface AdminRefusal {
  readonly code: AdminRefusalCode | RefusalCode;
  readonly message: Text;
  readonly params: Params;
}

export function refuseAdmin(code: AdminRefusalCode | RefusalCode, params: Params = {}): AdminRefusal {
  const template: Text = code in ADMIN_REFUSAL_MESSAGES ? ADMIN_REFUSAL_MESSAGES[code as AdminRefusalCode] : REFUSAL_MESSAGES[code as RefusalCode];
  return { code, message: text(template, params), params };
}
