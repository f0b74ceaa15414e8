import type { Lang, Text } from './text';
import type { CloseReason, DealType, Direction, RegistrationStatus, Stage, Status, Substatus } from './vocabulary';

/**
 * The glossary: every word of the domain a user reads, in both languages, once. The Japanese is Partner Center's own
 * (shared/seed/solution-assessment-deals.ja.txt, SPEC glossary). Cards, chat messages, the app manifest and the API's
 * localized errors take their words from here: the message catalogs name a term as `{@key}` (cards/i18n), the
 * domain's tables below are built from it, and `FORBIDDEN_TERMS` lists the words it replaced ("not this") so a test
 * can fail when one comes back.
 */
export const TERMS = {
  // Deal types and tabs (R5)
  solutionAssessment: { en: 'Solution assessment', ja: 'ソリューション評価' },
  coSell: { en: 'Co-sell', ja: '共同販売' },
  dealType: { en: 'Deal type', ja: '取引の種類' },
  inbound: { en: 'Inbound', ja: 'インバウンド' },
  outbound: { en: 'Outbound', ja: 'アウトバウンド' },
  newDeal: { en: 'New deal', ja: '新しい取引' },
  inbox: { en: 'Inbox', ja: '受信トレイ' },
  referralsAdmin: { en: 'Referrals admin', ja: '紹介管理者' },
  referralsUser: { en: 'Referrals user', ja: '紹介ユーザー' },
  // Fields (R7, R8, R9, R10)
  customer: { en: 'Customer', ja: '顧客' },
  customerContact: { en: 'Customer contact', ja: '顧客の連絡先' },
  dealName: { en: 'Deal name', ja: '取引名' },
  location: { en: 'Location', ja: '場所' },
  estimatedValue: { en: 'Estimated value', ja: '推定値' },
  currency: { en: 'Currency', ja: '通貨' },
  estimatedCloseDate: { en: 'Estimated close date', ja: '推定成立日' },
  crmId: { en: 'CRM ID', ja: 'CRM ID' },
  campaignId: { en: 'Marketing campaign ID', ja: 'マーケティング キャンペーン ID' },
  notes: { en: 'Notes', ja: 'ノート' },
  specialistNote: { en: 'Note for the Microsoft solution assessment specialist', ja: 'Microsoft ソリューション評価スペシャリストのための覚書' },
  teamMembers: { en: 'Team members', ja: 'チーム メンバー' },
  solution: { en: 'Solution', ja: 'ソリューション' },
  assessmentType: { en: 'Assessment type', ja: '評価の種類' },
  assessmentLocation: { en: 'Assessment location', ja: '評価の場所' },
  // Stages (R20, R21)
  salesStage: { en: 'Sales stage', ja: '販売ステージ' },
  received: { en: 'Received', ja: '受け取り' },
  created: { en: 'Created', ja: '作成' },
  accepted: { en: 'Accepted', ja: '承認済み' },
  secureCustomerLoe: { en: 'Secure customer LOE', ja: '顧客 LOE の確保' },
  collectData: { en: 'Collect data', ja: 'データを収集する' },
  prepareAssessmentReport: { en: 'Prepare assessment report', ja: '評価レポートの準備' },
  presentToCustomer: { en: 'Present to customer', ja: '顧客への提示' },
  qualified: { en: 'Qualified', ja: '見込みあり' },
  developed: { en: 'Developed', ja: '開発済み' },
  proposed: { en: 'Proposed', ja: '提案済み' },
  negotiated: { en: 'Negotiated', ja: '交渉済み' },
  won: { en: 'Won', ja: '受注' },
  lost: { en: 'Lost', ja: '失注' },
  closed: { en: 'Closed', ja: '終了' },
  // Answers to a referral (R15, R16)
  accept: { en: 'Accept', ja: '承諾' },
  decline: { en: 'Decline', ja: '辞退' },
  /** The decline form's button: Partner Center's [終了する]. */
  declineSubmit: { en: 'Close the referral', ja: '終了する' },
  declined: { en: 'Declined', ja: '辞退' },
  expired: { en: 'Expired', ja: '期限切れ' },
  // Registration (R23); reviewed, not "approved" like the stage
  registration: { en: 'Registration', ja: '登録' },
  review: { en: 'Review', ja: '審査' },
  pendingReview: { en: 'Pending review', ja: '審査待ち' },
  registrationApproved: { en: 'Approved', ja: '審査通過' },
  rejected: { en: 'Rejected', ja: '却下' },
  actionRequired: { en: 'Action required', ja: '対応が必要' },
} as const satisfies Record<string, Text>;

export type TermKey = keyof typeof TERMS;

/** A term in one language. */
export function term(key: TermKey, lang: Lang): string {
  return TERMS[key][lang];
}

/**
 * Words the glossary replaced, per language, with the term to use instead. A card or message containing one of
 * these is wrong (tests/cards/glossary.test.ts). A "not this" word inside an allowed term (成立 in 推定成立日) is
 * not a finding: `forbiddenTermsIn` looks for them after taking the glossary's own terms out of the text.
 */
export const FORBIDDEN_TERMS: Readonly<Record<Lang, readonly { word: string; use: TermKey }[]>> = {
  ja: [
    { word: '作成済み', use: 'created' },
    { word: '承諾済み', use: 'accepted' },
    { word: '顧客の LOE', use: 'secureCustomerLoe' },
    { word: 'LOE を確保', use: 'secureCustomerLoe' },
    { word: 'データの収集', use: 'collectData' },
    { word: 'プレゼンテーション', use: 'presentToCustomer' },
    { word: '不成立', use: 'lost' },
    { word: '成立', use: 'won' },
    { word: 'クローズ', use: 'closed' },
    { word: '受信', use: 'inbound' },
    { word: '送信した取引', use: 'outbound' },
    { word: '営業ステージ', use: 'salesStage' },
    { word: '見積', use: 'estimatedValue' },
    { word: 'クローズ予定日', use: 'estimatedCloseDate' },
    { word: 'メモ', use: 'notes' },
    { word: 'CRM の ID', use: 'crmId' },
    { word: 'スペシャリストへのメモ', use: 'specialistNote' },
  ],
  en: [
    { word: 'Pending approval', use: 'pendingReview' },
    { word: 'Memo', use: 'notes' },
  ],
};

/**
 * Names people learned before the glossary (and Partner Center's English ids): still understood when typed — a chat
 * filter, a CRM's stage map — never shown.
 */
export const FORMER_NAMES: Readonly<Record<string, TermKey>> = {
  作成済み: 'created',
  承諾済み: 'accepted',
  '顧客の LOE を確保': 'secureCustomerLoe',
  データの収集: 'collectData',
  顧客へのプレゼンテーション: 'presentToCustomer',
  成立: 'won',
  不成立: 'lost',
  クローズ: 'closed',
  受信済み: 'received',
  受信: 'inbound',
  受信した紹介: 'inbound',
  送信: 'outbound',
  送信した取引: 'outbound',
};

/** The glossary terms a typed word names: the term in either language, or a former name (FORMER_NAMES). */
export function termsNamed(word: string, fold: (s: string) => string): TermKey[] {
  const key = fold(word);
  const out = new Set<TermKey>();
  for (const [k, t] of Object.entries(TERMS) as [TermKey, Text][]) if (fold(t.en) === key || fold(t.ja) === key) out.add(k);
  for (const [former, k] of Object.entries(FORMER_NAMES)) if (fold(former) === key) out.add(k);
  return [...out];
}

/** The "not this" words in a text (see FORBIDDEN_TERMS), each with the term to use instead. */
export function forbiddenTermsIn(text: string, lang: Lang): { word: string; use: string }[] {
  // Longest first, so a term that contains another (推定成立日 ⊃ 成立) is taken out whole.
  const allowed = Object.values(TERMS)
    .map((t) => t[lang])
    .sort((a, b) => b.length - a.length);
  let rest = text;
  for (const a of allowed) rest = rest.split(a).join('\u0000');
  return FORBIDDEN_TERMS[lang].filter((f) => rest.includes(f.word)).map((f) => ({ word: f.word, use: TERMS[f.use][lang] }));
}

/** Field ids (and API paths) as a user reads them: `locationId` → 場所. Messages never show an internal id. */
const FIELD_TERM: Readonly<Record<string, TermKey>> = {
  name: 'dealName',
  dealName: 'dealName',
  location: 'location',
  locationId: 'location',
  targetLocation: 'location',
  value: 'estimatedValue',
  dealValue: 'estimatedValue',
  currency: 'currency',
  closeDate: 'estimatedCloseDate',
  closingDateTime: 'estimatedCloseDate',
  crmId: 'crmId',
  campaignId: 'campaignId',
  notes: 'notes',
  note: 'notes',
  type: 'dealType',
  dealType: 'dealType',
  customer: 'customer',
  customerId: 'customer',
  customerProfile: 'customer',
  contact: 'customerContact',
  contactName: 'customerContact',
  contactPhone: 'customerContact',
  contactEmail: 'customerContact',
  contactConsent: 'customerContact',
  specialistNote: 'specialistNote',
  team: 'teamMembers',
  assessmentType: 'assessmentType',
  assessmentLocation: 'assessmentLocation',
  solution: 'solution',
  solutions: 'solution',
  salesStage: 'salesStage',
  stage: 'salesStage',
};

/** `locationId`, `/location`, `details/dealValue` → the field's name in both languages; unknown ids stay as given. */
export function fieldLabel(idOrPath: string): Text {
  const segments = idOrPath.split(/[/.]/).filter((s) => s && !/^\d+$/.test(s) && s !== '-');
  for (const s of segments.reverse()) {
    const key = FIELD_TERM[s];
    if (key) return TERMS[key];
  }
  return { en: idOrPath, ja: idOrPath };
}

export const STAGE_LABEL: Readonly<Record<Stage, Text>> = {
  created: TERMS.created,
  accepted: TERMS.accepted,
  secureCustomerLoe: TERMS.secureCustomerLoe,
  collectData: TERMS.collectData,
  prepareAssessmentReport: TERMS.prepareAssessmentReport,
  presentToCustomer: TERMS.presentToCustomer,
  qualified: TERMS.qualified,
  developed: TERMS.developed,
  proposed: TERMS.proposed,
  negotiated: TERMS.negotiated,
  won: TERMS.won,
  lost: TERMS.lost,
};

/** A deal's stage as a user reads it: a new referral is at 受け取り (the seed's "Received" stage), whatever it stores. */
export function stageLabel(deal: { status: Status; stage: Stage }): Text {
  return deal.status === 'New' ? TERMS.received : STAGE_LABEL[deal.stage];
}

export const STATUS_LABEL: Readonly<Record<Status, Text>> = {
  New: { en: 'New', ja: '新規' },
  Active: { en: 'Active', ja: 'アクティブ' },
  Closed: TERMS.closed,
};

export const SUBSTATUS_LABEL: Readonly<Record<Substatus, Text>> = {
  Pending: { en: 'Pending', ja: '保留中' },
  Received: TERMS.received,
  Accepted: TERMS.accepted,
  Won: TERMS.won,
  Lost: TERMS.lost,
  Declined: TERMS.declined,
  Expired: TERMS.expired,
};

export const DEAL_TYPE_LABEL: Readonly<Record<DealType, Text>> = {
  solutionAssessment: TERMS.solutionAssessment,
  coSell: TERMS.coSell,
};

export const DIRECTION_LABEL: Readonly<Record<Direction, Text>> = {
  inbound: TERMS.inbound,
  outbound: TERMS.outbound,
};

/** R16: Partner Center's decline reasons. */
export const CLOSE_REASON_LABEL: Readonly<Record<CloseReason, Text>> = {
  budgetNotAdequate: { en: "Project budget isn't adequate", ja: 'プロジェクトの予算が十分でない' },
  customerDidNotRespond: { en: "Customer didn't respond", ja: '顧客から応答がなかった' },
  customerChoseAnotherVendor: { en: 'Customer chose another vendor', ja: '顧客が別のベンダーを選択した' },
  requirementNotMet: { en: 'Customer requirement not met', ja: '顧客の要件を満たしていない' },
  notACustomer: { en: 'Not a customer', ja: '顧客ではない' },
  timelineTooShort: { en: 'Proposed time line was too short', ja: '提案されたタイムラインが短すぎた' },
  abuseSpamPhishing: { en: 'Report as abuse/spam/phishing', ja: '不正使用/スパム/フィッシングとして報告' },
  other: { en: 'Other', ja: 'その他' },
};

export const REGISTRATION_STATUS_LABEL: Readonly<Record<RegistrationStatus, Text>> = {
  PendingReview: TERMS.pendingReview,
  Approved: TERMS.registrationApproved,
  Rejected: TERMS.rejected,
  ActionRequired: TERMS.actionRequired,
};

/** The separator between short items on one line: `・` in Japanese, `·` in English. */
export const LIST_SEPARATOR: Readonly<Record<Lang, string>> = { en: ' · ', ja: '・' };
