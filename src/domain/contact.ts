import type { DealContact } from './deal';
import { fieldError } from './fields';
import type { FieldError } from './refusals';

/**
 * R7, the customer's contact, in one place for the wizard (creation.ts) and the Edit form (transitions.ts): details
 * are optional unless Microsoft seller help is asked, and none is kept without the customer's consent.
 */

export const CONTACT_DETAILS = ['name', 'phone', 'email'] as const;
export type ContactPart = (typeof CONTACT_DETAILS)[number] | 'consent';

/** What R7 judges: a detail counts when it is a non-blank string. */
export interface ContactEntry {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  consent: boolean;
  askMicrosoftHelp: boolean;
}

export const NO_CONTACT: DealContact = { name: null, phone: null, email: null, consent: false, askMicrosoftHelp: false };

const present = (v: string | null | undefined): boolean => typeof v === 'string' && v.trim() !== '';

/** R7's errors, each on the input `fieldOf` names for its part (`contact.email` in the wizard, `contactEmail` in Edit). */
export function contactErrors(c: ContactEntry, fieldOf: (part: ContactPart) => string): FieldError[] {
  const errors: FieldError[] = [];
  if (c.askMicrosoftHelp) {
    for (const k of CONTACT_DETAILS) if (!present(c[k])) errors.push(fieldError(fieldOf(k), 'contactRequiredForHelp'));
  }
  if (CONTACT_DETAILS.some((k) => present(c[k])) && !c.consent) errors.push(fieldError(fieldOf('consent'), 'contactNeedsConsent'));
  return errors;
}

/** The contact a deal keeps: the details only with the customer's consent (R7). */
export function keptContact(c: ContactEntry): DealContact {
  const keep = (v: string | null | undefined) => (c.consent && present(v) ? v! : null);
  return { name: keep(c.name), phone: keep(c.phone), email: keep(c.email), consent: c.consent, askMicrosoftHelp: c.askMicrosoftHelp };
}
