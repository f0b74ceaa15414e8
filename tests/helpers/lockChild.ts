/**
 * A second process for tests/store/dataDirLock.test.ts, running the real project code:
 *   node -r ./tests/helpers/registerTs.js tests/helpers/lockChild.ts <mode> <dir> [locationId]
 * Modes:
 *   open      openDatabase on <dir>, insert Location [locationId] if given, print "READY <pid>", then hold the
 *             database until SIGTERM (then close and exit 0).
 *   lock-exit take the lock with lockDataDir, print "READY <pid>", and end without releasing it.
 * Failures print "ERROR <name>: <message>" on stderr and exit with code 3.
 */
import { lockDataDir } from '../../src/store/dataDirLock';
import { openDatabase } from '../../src/store/database';

async function main(): Promise<void> {
  const [mode, dir, locationId] = process.argv.slice(2);
  if (!dir) throw new Error('usage: lockChild.ts open|lock-exit <dir> [locationId]');
  if (mode === 'lock-exit') {
    lockDataDir(dir, 'lockChild lock-exit');
    process.stdout.write(`READY ${process.pid}\n`);
    return;
  }
  if (mode !== 'open') throw new Error(`unknown mode ${mode}`);
  const db = await openDatabase({ url: dir });
  if (locationId) await db.prisma.location.create({ data: { id: locationId, name: `written by ${process.pid}` } });
  const keepAlive = setInterval(() => undefined, 60_000);
  process.once('SIGTERM', () => {
    clearInterval(keepAlive);
    void db.close().then(() => process.exit(0));
  });
  process.stdout.write(`READY ${process.pid}\n`);
}

main().catch((err: unknown) => {
  const e = err as Error;
  process.stderr.write(`ERROR ${e.name}: ${e.message}\n`);
  process.exit(3);
});
