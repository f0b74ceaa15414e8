import type { z } from 'zod';
import { t, type Locale, type MessageKey } from '../../cards/i18n';
import type { Choice, WizardStepView } from '../../cards/wizardCard';
import type { Config } from '../../src/config';
import { ISO_COUNTRIES, fieldErrorsOf, type FieldError, type PersonActor, type Solution } from '../../src/domain';
import type { Services } from '../../src/services/services';
import type { Entries, Errors, StepContext, StepId } from './wizardTypes';

/** Small pieces the steps share: entries, error messages, choice lists. */

export const entriesOf = (ctx: StepContext, step: StepId): Entries => (ctx.draft.entries[step] ??= {});

/** Domain field errors → the message per field in the user's language; `prefix` re-roots relative paths. */
export function errorsFrom(errors: readonly FieldError[], locale: Locale, prefix = ''): Errors {
  const out: Errors = {};
  for (const e of errors) {
    const field = prefix ? (e.field ? `${prefix}.${e.field}` : prefix) : e.field;
    out[field] ??= e.message[locale];
  }
  return out;
}

/** Parses one value with a domain schema; the error (if any) lands on `field`. */
export function check(schema: z.ZodType, value: unknown, field: string, locale: Locale, into: Errors): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  for (const [k, v] of Object.entries(errorsFrom(fieldErrorsOf(parsed.error), locale, field))) into[k] ??= v;
}

/** Field ids drawn on a step's card: only these are taken from a submit (anything else is ignored). */
export function fieldIdsOf(view: Pick<WizardStepView, 'sections'>): string[] {
  return view.sections.flatMap((s) => (s.fields ?? []).map((f) => f.id));
}

export const truthy = (v: string | undefined) => v === 'true';

const countryCache = new Map<Locale, Choice[]>();

/** The current ISO 3166-1 countries, named in the user's language, sorted by name. */
export function countryChoices(locale: Locale): Choice[] {
  const cached = countryCache.get(locale);
  if (cached) return cached;
  const names = new Intl.DisplayNames([locale], { type: 'region' });
  const out: Choice[] = [...ISO_COUNTRIES].map((code) => ({ title: `${names.of(code) ?? code} (${code})`, value: code }));
  out.sort((x, y) => x.title.localeCompare(y.title, locale));
  countryCache.set(locale, out);
  return out;
}

export function countryName(code: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** R10: the partner's co-sell solutions (COSELL_SOLUTIONS); the id is a stable slug of the name. */
export function solutionCatalog(config: Pick<Config, 'COSELL_SOLUTIONS'>): Solution[] {
  return config.COSELL_SOLUTIONS.map((name) => ({
    id: name.normalize('NFKC').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || name,
    name,
  }));
}

/** R3/R8: the locations a deal may be created for: the user's scope (all locations for a global scope). */
export async function scopeLocations(services: Services, actor: PersonActor): Promise<{ id: string; name: string }[]> {
  const all = await services.people.locations();
  return actor.scope.global ? all : all.filter((l) => actor.scope.locations.includes(l.id));
}

export const tr = (ctx: Pick<StepContext, 'locale'>, key: MessageKey, params?: Record<string, string | number>) => t(ctx.locale, key, params);
