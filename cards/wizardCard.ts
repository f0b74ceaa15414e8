import { renderCard, type AdaptiveCard } from './render';
import doneTemplate from './templates/wizardDone.json';
import stepTemplate from './templates/wizardStep.json';

/** The new-deal wizard's cards: one form per step (drawn from data), and the one-line summary a done step becomes. */

export type FieldKind = 'text' | 'multiline' | 'date' | 'choice' | 'filtered' | 'radio' | 'checks' | 'toggle' | 'typeahead';

export interface Choice {
  title: string;
  value: string;
}

export interface WizardField {
  /** Input id = the field's path in the domain's input (`name`, `contact.email`, `team.0.phone`). */
  id: string;
  kind: FieldKind;
  label: string;
  value?: string;
  placeholder?: string;
  choices?: Choice[];
  maxLength?: number;
  /** The per-field message shown under the input (R13). */
  error?: string;
  /**
   * `typeahead` only: the Data.Query dataset Teams asks the bot for as the user types (invoke `application/search`,
   * with the card's other inputs). `choices` are the static ones, shown before anything is typed.
   */
  dataset?: string;
}

export interface WizardButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
  style?: 'positive' | 'destructive' | 'default';
  /** `none` for buttons that must not send (or check) the form's entries. */
  inputs?: 'auto' | 'none';
}

export interface WizardSection {
  heading?: string;
  text?: string;
  facts?: { title: string; value: string }[];
  fields?: WizardField[];
  actions?: WizardButton[];
}

export interface WizardStepView {
  header: string;
  /** The steps done so far, one line each ("✔ Customer: …"): one card carries the whole run. */
  done?: string[];
  title: string;
  intro?: string;
  notice?: string;
  noticeLines?: string[];
  noticeStyle?: 'attention' | 'good' | 'default' | 'warning';
  sections: WizardSection[];
  buttons: WizardButton[];
}

const button = (b: WizardButton) => ({ ...b, style: b.style ?? 'default', inputs: b.inputs ?? 'auto' });

export function wizardStepCard(view: WizardStepView): AdaptiveCard {
  return renderCard(stepTemplate, {
    header: view.header,
    done: view.done ?? [],
    title: view.title,
    intro: view.intro ?? '',
    notice: view.notice ?? '',
    noticeLines: view.noticeLines ?? [],
    noticeStyle: view.noticeStyle ?? 'default',
    sections: view.sections.map((s) => ({
      heading: s.heading ?? '',
      text: s.text ?? '',
      facts: s.facts ?? [],
      fields: (s.fields ?? []).map((f) => ({
        id: f.id,
        kind: f.kind,
        label: f.label,
        value: f.value ?? '',
        placeholder: f.placeholder ?? '',
        choices: f.choices ?? [],
        maxLength: f.maxLength ?? 4000,
        error: f.error ?? '',
        dataset: f.dataset ?? '',
      })),
      actions: (s.actions ?? []).map(button),
    })),
    buttons: view.buttons.map(button),
  });
}

/** What a step's card becomes once the step is done (or the wizard ends): one read-only line. */
export function wizardDoneCard(line: string, kind: 'done' | 'cancelled' | 'info' = 'done'): AdaptiveCard {
  const mark = kind === 'done' ? '✓' : kind === 'cancelled' ? '✕' : 'ℹ';
  const color = kind === 'done' ? 'Good' : kind === 'cancelled' ? 'Attention' : 'Default';
  return renderCard(doneTemplate, { mark, color, line });
}
