import type { Text } from './text';
import type { CloseReason, DealType, RegistrationStatus, Stage, Status, Substatus } from './vocabulary';

/** Names of the domain's vocabulary in both languages; cards and messages use these, never their own copies. */

export const STAGE_LABEL: Readonly<Record<Stage, Text>> = {
  created: { en: 'Created', ja: '作成済み' },
  accepted: { en: 'Accepted', ja: '承諾済み' },
  secureCustomerLoe: { en: 'Secure customer LOE', ja: '顧客の LOE を確保' },
  collectData: { en: 'Collect data', ja: 'データの収集' },
  prepareAssessmentReport: { en: 'Prepare assessment report', ja: '評価レポートの準備' },
  presentToCustomer: { en: 'Present to customer', ja: '顧客へのプレゼンテーション' },
  qualified: { en: 'Qualified', ja: '見込みあり' },
  developed: { en: 'Developed', ja: '開発済み' },
  proposed: { en: 'Proposed', ja: '提案済み' },
  negotiated: { en: 'Negotiated', ja: '交渉済み' },
  won: { en: 'Won', ja: '成立' },
  lost: { en: 'Lost', ja: '不成立' },
};

export const STATUS_LABEL: Readonly<Record<Status, Text>> = {
  New: { en: 'New', ja: '新規' },
  Active: { en: 'Active', ja: 'アクティブ' },
  Closed: { en: 'Closed', ja: 'クローズ' },
};

export const SUBSTATUS_LABEL: Readonly<Record<Substatus, Text>> = {
  Pending: { en: 'Pending', ja: '保留中' },
  Received: { en: 'Received', ja: '受信済み' },
  Accepted: { en: 'Accepted', ja: '承諾済み' },
  Won: { en: 'Won', ja: '成立' },
  Lost: { en: 'Lost', ja: '不成立' },
  Declined: { en: 'Declined', ja: '辞退' },
  Expired: { en: 'Expired', ja: '期限切れ' },
};

export const DEAL_TYPE_LABEL: Readonly<Record<DealType, Text>> = {
  solutionAssessment: { en: 'Solution assessment', ja: 'ソリューション評価' },
  coSell: { en: 'Co-sell', ja: '共同販売' },
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
  PendingReview: { en: 'Pending review', ja: 'レビュー待ち' },
  Approved: { en: 'Approved', ja: '承認済み' },
  Rejected: { en: 'Rejected', ja: '却下' },
  ActionRequired: { en: 'Action required', ja: '対応が必要' },
};
