import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPartnerCenterSandbox } from './index';

/**
 * `npm run partner-center:sandbox`: the Partner Center stand-in on its own (a test double of the Referrals API and
 * its webhooks). Prints the settings that point the bot at it and how to act "as Microsoft" with curl.
 *
 *   PARTNER_CENTER_SANDBOX_PORT          API port (default 4010; 0 = any free port)
 *   PARTNER_CENTER_SANDBOX_TOKEN         the bearer it accepts (default: a random one, printed)
 *   PARTNER_CENTER_SANDBOX_WEBHOOK_URL   where webhooks go (or --webhook-url <url>); unset = no webhooks
 */
async function main() {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const port = Number(process.env.PARTNER_CENTER_SANDBOX_PORT ?? 4010);
  const webhookUrl = arg('--webhook-url') ?? (process.env.PARTNER_CENTER_SANDBOX_WEBHOOK_URL || undefined);
  const sb = await startPartnerCenterSandbox({
    port,
    token: process.env.PARTNER_CENTER_SANDBOX_TOKEN || undefined,
    webhookUrl,
    log: (line) => console.log(`${new Date().toISOString()}  ${line}`),
  });
  const dir = mkdtempSync(join(tmpdir(), 'pc-sandbox-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, sb.caPem);

  console.log(`
Partner Center sandbox — a local TEST DOUBLE of the Partner Center Referrals API and its webhooks.

Point the bot at it:
  PARTNER_CENTER_API_URL=${sb.url}
  PARTNER_CENTER_TOKEN=${sb.token}
  PARTNER_CENTER_CERT_HOSTS=${sb.certHost}
  PARTNER_CENTER_WEBHOOK_CA_FILE=${caFile}

Webhooks: ${webhookUrl ? `sent to ${webhookUrl}` : 'off'} (change: curl -X PUT ${sb.origin}/sandbox/webhook -H 'Content-Type: application/json' -d '{"url":"http://localhost:3978/api/partner-center/events"}')

Act as Microsoft:
  curl -X POST ${sb.origin}/sandbox/referrals -H 'Content-Type: application/json' -d '{"name":"Fabrikam - Azure migration"}'
  curl -X PATCH ${sb.origin}/sandbox/referrals/<id> -H 'Content-Type: application/json' -d '{"details":{"dealValue":80000}}'
  curl ${sb.origin}/sandbox/referrals            (everything it holds)
  curl -X POST ${sb.origin}/sandbox/fail -H 'Content-Type: application/json' -d '{"count":3,"status":429,"retryAfterSec":5}'
  curl -X POST ${sb.origin}/sandbox/hang -H 'Content-Type: application/json' -d '{"ms":60000}'
The API itself (as the bot calls it):
  curl -H 'Authorization: Bearer ${sb.token}' '${sb.url}?$filter=status%20eq%20%27New%27'

Ctrl-C stops it.
`);
  const stop = () => {
    void sb.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
