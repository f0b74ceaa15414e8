import type { BotServices } from '../botServices';
import type { NewDealWizard } from './newDealWizard';

/**
 * The new-deal wizard runs on botbuilder-dialogs, whose prompts and text recognizers are the slowest modules to load
 * (issue 16: a second or more of start-up on a busy 2-core machine). It is loaded on first use instead of at start,
 * and warmed up shortly after start-up so the first "new deal" does not wait for it either.
 */
let loading: Promise<typeof import('./newDealWizard')> | undefined;

const load = () => (loading ??= import('./newDealWizard'));

export async function wizardFor(services: BotServices): Promise<NewDealWizard> {
  return (await load()).wizardFor(services);
}

/** Loads the wizard's modules in the background, after start-up. */
export function warmUpWizard(delayMs = 1_000): void {
  setTimeout(() => void load().catch(() => undefined), delayMs).unref();
}
