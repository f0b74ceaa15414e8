/**
 * The layering of cosell-bot, checked by `npm run deps:check` (part of `npm test`):
 *
 *   bot/ (Teams) ─┐
 *   cards/ ───────┼──▶ src/services ──▶ src/store (Prisma) ──▶ src/domain (pure)
 *   src/http/ ────┘
 *
 * Surfaces talk to services; only src/store touches Prisma; the domain depends on nothing but zod; cards know
 * nothing of the bot; configuration knows nothing of HTTP; nothing goes round in a circle. src/app.ts and
 * src/main.ts are the composition root and may wire everything.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be understood, tested or replaced one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'prisma-only-in-store',
      severity: 'error',
      comment: 'Prisma stays below src/store: every other layer works with stores and read models.',
      from: { path: '^(src|bot|cards)/', pathNot: '^src/store/' },
      to: { path: '(^|/)node_modules/(@prisma/|\\.prisma/|prisma/)' },
    },
    {
      name: 'surfaces-use-services',
      severity: 'error',
      comment: 'The bot, the cards and the HTTP API change and read deals through src/services, never a store.',
      from: { path: '^(bot|cards|src/http)/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The state machine depends on nothing but itself and zod.',
      from: { path: '^src/domain/' },
      to: { pathNot: '^(src/domain/|node_modules/zod/)' },
    },
    {
      name: 'cards-know-no-bot',
      severity: 'error',
      comment: 'Cards render what they are given; the bot decides what that is.',
      from: { path: '^cards/' },
      to: { path: '^(bot|src/http|src/services|src/store)/' },
    },
    {
      name: 'core-knows-no-surface',
      severity: 'error',
      comment: 'src/services, src/store and src/domain work without Teams or HTTP.',
      from: { path: '^src/(services|store|domain)/' },
      to: { path: '^(bot|cards|src/http)/' },
    },
    {
      name: 'config-knows-no-http',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/http/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(tests|bench|scripts|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: {
      archi: { collapsePattern: '^(src/[^/]+|bot|cards|prisma)' },
    },
  },
};
