/**
 * Every card verb (`Action.Execute` `verb`) in one table: the cards put them on buttons, bot/actions maps each to its
 * handler, and tests/cards/verbs.test.ts checks that every verb a template or builder can show has one. The JSON
 * templates spell them exactly as here.
 */
export const VERBS = {
  dealRefresh: 'deal.refresh',
  dealOpen: 'deal.open',
  dealsPage: 'deals.page',
  dealHistory: 'deal.history',
  dealCompleteStage: 'deal.completeStage',
  dealSetStage: 'deal.setStage',
  dealWin: 'deal.win',
  dealLoseForm: 'deal.lose.form',
  dealLose: 'deal.lose',
  dealEditForm: 'deal.edit.form',
  dealEdit: 'deal.edit',
  dealTeamForm: 'deal.team.form',
  dealTeamAdd: 'deal.team.add',
  dealTeamAddContact: 'deal.team.addContact',
  dealTeamRemove: 'deal.team.remove',
  dealRegisterForm: 'deal.register.form',
  dealRegister: 'deal.register',
  dealReviewForm: 'deal.review.form',
  dealReview: 'deal.review',
  referralAccept: 'referral.accept',
  referralAcceptSubmit: 'referral.acceptSubmit',
  referralDecline: 'referral.decline',
  referralDeclineSubmit: 'referral.declineSubmit',
  adminShow: 'admin.show',
  adminAddLocation: 'admin.addLocation',
  adminRenameLocation: 'admin.renameLocation',
  adminRemoveLocation: 'admin.removeLocation',
  adminSetLocationZone: 'admin.setLocationZone',
  adminSetRole: 'admin.setRole',
  adminBootstrapClaim: 'admin.bootstrap.claim',
  adminBootstrapDecline: 'admin.bootstrap.decline',
  pcMapLocation: 'pc.mapLocation',
  pcRetry: 'pc.retry',
  /** Every button of the new-deal wizard (the step and the button are in the data). */
  newDeal: 'newDeal',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
