// A process that commits deal changes through the deal-command service and is killed (SIGKILL) before any of their
// follow-up jobs can run: what a crash right after a commit leaves behind.
// Usage: node -r ./tests/helpers/registerTs.js tests/faults/programs/commitThenDie.ts <database url> <json plan>
import { DEFAULT_DOMAIN_CONFIG, type Actor, type Command, type IncomingReferral } from '../../../src/domain';
import { createDealCommands } from '../../../src/services/services';
import { openDatabase } from '../../../src/store/database';

interface Plan {
  receive: (Omit<IncomingReferral, 'deal'> & { deal: IncomingReferral['deal'] & { createdAt: string } })[];
  execute: { dealId: string; command: Command; actor: Actor }[];
  /** The Partner Center sync is configured: changes write their pc.push jobs too. */
  partnerCenter?: boolean;
}

async function main(url: string, plan: Plan): Promise<void> {
  const db = await openDatabase({ url });
  const commands = createDealCommands(db, DEFAULT_DOMAIN_CONFIG, undefined, plan.partnerCenter ?? false);
  for (const r of plan.receive) {
    const result = await commands.receive({ ...r, deal: { ...r.deal, createdAt: new Date(r.deal.createdAt) } });
    if (!result.ok) throw new Error(`receive refused: ${result.refusal.code}`);
  }
  for (const e of plan.execute) {
    const result = await commands.execute(e.dealId, e.command, e.actor);
    if (!result.ok) throw new Error(`${e.command.type} refused: ${result.refusal.code}`);
  }
  process.stdout.write('committed\n');
  process.kill(process.pid, 'SIGKILL');
}

main(process.argv[2]!, JSON.parse(process.argv[3]!) as Plan).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
