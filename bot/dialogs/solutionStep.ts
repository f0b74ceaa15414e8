import { CreateDealSchema, crossFieldErrors, fieldError, type Solution } from '../../src/domain';
import { check, entriesOf, errorsFrom, solutionCatalog, tr } from './stepHelpers';
import type { Errors, StepContext, StepDef } from './wizardTypes';

/** R10: solution assessment → exactly one assessment type + assessment location; co-sell → one or more solutions. */

const SOLUTION_FIELDS = new Set(['assessmentType', 'assessmentLocation', 'solutions']);

export function dealTypeOf(ctx: StepContext): string {
  return entriesOf(ctx, 'details').dealType ?? '';
}

/** This step's part of the create input, for the chosen deal type; unknown solution ids are reported. */
export function solutionOf(ctx: StepContext): {
  assessmentType?: string;
  assessmentLocation?: string;
  solutions: Solution[];
  unknown: string[];
} {
  const e = entriesOf(ctx, 'solution');
  if (dealTypeOf(ctx) === 'solutionAssessment') {
    return { assessmentType: e.assessmentType ?? '', assessmentLocation: e.assessmentLocation ?? '', solutions: [], unknown: [] };
  }
  const catalog = solutionCatalog(ctx.services.config);
  const ids = (e.solutions ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    solutions: catalog.filter((s) => ids.includes(s.id)),
    unknown: ids.filter((id) => !catalog.some((s) => s.id === id)),
  };
}

export const solutionStep: StepDef = {
  id: 'solution',

  async body(ctx, errors) {
    const e = entriesOf(ctx, 'solution');
    const assessment = dealTypeOf(ctx) === 'solutionAssessment';
    const fields = assessment
      ? [
          {
            id: 'assessmentType',
            kind: 'radio' as const,
            label: tr(ctx, 'wizard.field.assessmentType'),
            value: e.assessmentType ?? '',
            error: errors.assessmentType,
            choices: ctx.services.domain.assessmentTypes.map((a) => ({ title: a, value: a })),
          },
          {
            id: 'assessmentLocation',
            kind: 'text' as const,
            label: tr(ctx, 'wizard.field.assessmentLocation'),
            value: e.assessmentLocation ?? '',
            error: errors.assessmentLocation,
            maxLength: 200,
            placeholder: tr(ctx, 'wizard.solution.assessmentLocationPlaceholder'),
          },
        ]
      : [
          {
            id: 'solutions',
            kind: 'checks' as const,
            label: tr(ctx, 'wizard.field.solutions'),
            value: e.solutions ?? '',
            error: errors.solutions,
            choices: solutionCatalog(ctx.services.config).map((s) => ({ title: s.name, value: s.id })),
          },
        ];
    return {
      title: tr(ctx, 'wizard.solution.title'),
      intro: tr(ctx, assessment ? 'wizard.solution.introAssessment' : 'wizard.solution.introCoSell'),
      sections: [{ fields }],
    };
  },

  async submit(ctx) {
    const s = solutionOf(ctx);
    const raw = { dealType: dealTypeOf(ctx), ...s, contact: {}, consent: true };
    // The domain's R10 rules (one listed assessment type + its location; at least one solution), this step's part.
    const errors: Errors = errorsFrom(
      crossFieldErrors(raw, ctx.services.domain).filter((x) => SOLUTION_FIELDS.has(x.field)),
      ctx.locale,
    );
    if (s.unknown.length) errors.solutions ??= fieldError('solutions', 'invalidChoice').message[ctx.locale];
    check(CreateDealSchema.shape.assessmentLocation, s.assessmentLocation, 'assessmentLocation', ctx.locale, errors);
    return Object.keys(errors).length ? { kind: 'stay', errors } : { kind: 'next' };
  },

  async summary(ctx) {
    const s = solutionOf(ctx);
    return s.assessmentType
      ? tr(ctx, 'wizard.summary.assessment', { type: s.assessmentType, location: s.assessmentLocation ?? '' })
      : s.solutions.map((x) => x.name).join(', ');
  },
};
