import { ConfigError, configSchema, describeConfig, isLocalMode, loadConfig } from '../src/config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('has working defaults for an empty environment (local mode, embedded database)', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      PORT: 3978,
      HOST: '0.0.0.0',
      DATABASE_URL: 'data/pglite',
      MicrosoftAppId: undefined,
      MicrosoftAppPassword: undefined,
      MicrosoftAppTenantId: undefined,
      MicrosoftAppType: 'MultiTenant',
      LOG_LEVEL: 'info',
      DEFAULT_CURRENCY: 'JPY',
      CURRENCIES: ['JPY', 'USD', 'EUR'],
      REFERRAL_RESPONSE_DAYS: 14,
      REFERRAL_REMINDER_DAYS: [3, 1],
      SWEEP_INTERVAL_SECONDS: 60,
      NOTIFY_RETRY_SECONDS: 30,
      JOB_POLL_SECONDS: 5,
      REFERRALS_API_TOKEN: undefined,
      REFERRAL_SENDERS: [],
      CALLBACK_ALLOW_PRIVATE: false,
      ALLOWED_TENANTS: [],
      BOOTSTRAP_ADMINS: [],
      COSELL_SOLUTIONS: ['Azure Migration', 'Data and AI', 'Microsoft 365 Copilot', 'Security', 'Dynamics 365', 'Azure Virtual Desktop'],
      PUBLIC_BASE_URL: undefined,
      CHART_LINK_SECRET: undefined,
      CHART_LINK_MINUTES: 60,
      API_CLIENTS: [],
      // Issue 13: no Partner Center sign-in configured = no sync; these only say where it would go.
      PARTNER_CENTER_API_URL: 'https://api.partner.microsoft.com/v1.0/engagements/referrals',
      PARTNER_CENTER_POLL_SECONDS: 300,
      PARTNER_CENTER_TIMEOUT_SECONDS: 30,
      PARTNER_CENTER_CERT_HOSTS: ['3psostorageacct.blob.core.windows.net'],
      PARTNER_CENTER_WEBHOOK_REGISTRATION_URL: 'https://api.partnercenter.microsoft.com/webhooks/v1/registration',
      PARTNER_CENTER_REFERRAL_LINK: 'https://partner.microsoft.com/dashboard/v2/referrals/{id}',
      // Issue 17: the digest at nine on weekdays, deals stale after 30 days; export links for 15 minutes.
      DIGEST_AT: { hour: 9, minute: 0 },
      STALE_DAYS: 30,
      EXPORT_LINK_SECRET: undefined,
      EXPORT_LINK_MINUTES: 15,
      FILE_UPLOAD_ALLOW_PRIVATE: false,
    });
    expect(isLocalMode(c)).toBe(true);
  });

  it('reads DIGEST_AT as a time of day or off, and refuses anything else (issue 17)', () => {
    expect(loadConfig({ DIGEST_AT: '7:30' }).DIGEST_AT).toEqual({ hour: 7, minute: 30 });
    expect(loadConfig({ DIGEST_AT: 'OFF' }).DIGEST_AT).toBeNull();
    expect(problemsOf({ DIGEST_AT: '25:00' })).toEqual([{ variable: 'DIGEST_AT', message: 'must be a time HH:MM (24-hour, e.g. 09:00) or off' }]);
    expect(problemsOf({ EXPORT_LINK_SECRET: 'short' })).toEqual([{ variable: 'EXPORT_LINK_SECRET', message: 'must be at least 32 characters (it signs export links)' }]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', MicrosoftAppId: ' ', REFERRALS_API_TOKEN: '' })).toMatchObject({
      PORT: 3978,
      MicrosoftAppId: undefined,
      REFERRALS_API_TOKEN: undefined,
    });
  });

  it('parses and normalises values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/cosell',
      MicrosoftAppId: 'app',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: 'tenant',
      MicrosoftAppType: 'SingleTenant',
      DEFAULT_CURRENCY: 'usd',
      REFERRAL_REMINDER_DAYS: ' 1, 7 ,3,3',
      BOOTSTRAP_ADMINS: 'a@contoso.com, 11111111-1111-4111-8111-111111111111,,',
      PUBLIC_BASE_URL: 'https://bot.contoso.com/',
      REFERRALS_API_TOKEN: 'x'.repeat(32),
    });
    expect(c).toMatchObject({
      PORT: 8080,
      DEFAULT_CURRENCY: 'USD',
      REFERRAL_REMINDER_DAYS: [7, 3, 1],
      BOOTSTRAP_ADMINS: ['a@contoso.com', '11111111-1111-4111-8111-111111111111'],
      PUBLIC_BASE_URL: 'https://bot.contoso.com',
    });
    expect(isLocalMode(c)).toBe(false);
  });

  it('lists every bad variable in one error, without echoing values', () => {
    const env = {
      PORT: '70000',
      LOG_LEVEL: 'loud',
      DEFAULT_CURRENCY: 'YEN1',
      REFERRAL_RESPONSE_DAYS: '0',
      REFERRAL_REMINDER_DAYS: '3,soon',
      SWEEP_INTERVAL_SECONDS: '-5',
      MicrosoftAppType: 'Multi',
      MicrosoftAppPassword: 'hunter2-secret',
      REFERRALS_API_TOKEN: 'short',
      PUBLIC_BASE_URL: 'not a url',
    };
    const vars = problemsOf(env).map((p) => p.variable).sort();
    expect(vars).toEqual(
      [
        'DEFAULT_CURRENCY',
        'LOG_LEVEL',
        'MicrosoftAppPassword',
        'MicrosoftAppType',
        'PORT',
        'PUBLIC_BASE_URL',
        'REFERRALS_API_TOKEN',
        'REFERRAL_REMINDER_DAYS',
        'REFERRAL_RESPONSE_DAYS',
        'SWEEP_INTERVAL_SECONDS',
      ].sort(),
    );
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration \(10 problems\)/);
    expect(message).not.toContain('hunter2-secret');
    expect(message).not.toContain('short');
  });

  it.each([
    [{ MicrosoftAppId: 'app' }, ['MicrosoftAppPassword']],
    [{ MicrosoftAppId: 'app', MicrosoftAppType: 'SingleTenant', MicrosoftAppPassword: 'p' }, ['MicrosoftAppTenantId']],
    [{ MicrosoftAppId: 'app', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: 'p' }, ['MicrosoftAppPassword', 'MicrosoftAppTenantId']],
    [{ MicrosoftAppTenantId: 't' }, ['MicrosoftAppTenantId']],
  ])('checks the Bot Framework credentials as a set: %j', (env, bad) => {
    expect(problemsOf(env).map((p) => p.variable).sort()).toEqual(bad);
  });

  it('accepts the three valid credential shapes', () => {
    expect(() => loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' })).not.toThrow();
    expect(() => loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 't', MicrosoftAppType: 'SingleTenant' })).not.toThrow();
    expect(() => loadConfig({ MicrosoftAppId: 'a', MicrosoftAppTenantId: 't', MicrosoftAppType: 'UserAssignedMSI' })).not.toThrow();
  });

  it('ignores unrelated environment variables', () => {
    expect(() => loadConfig({ PATH: '/bin', HOME: '/root', NODE_ENV: 'production' })).not.toThrow();
  });
});

describe('REFERRAL_SENDERS', () => {
  const hash = 'a'.repeat(64);
  it('parses name, organisation, token hash and callback hosts', () => {
    const c = loadConfig({ REFERRAL_SENDERS: `contoso:contoso-org:${hash}:Hooks.Contoso.example|*.contoso.example; fabrikam:fab:${'b'.repeat(64)}:` });
    expect(c.REFERRAL_SENDERS.map((s) => [s.name, s.organizationId, s.callbackHosts])).toEqual([
      ['contoso', 'contoso-org', ['hooks.contoso.example', '*.contoso.example']],
      ['fabrikam', 'fab', []],
    ]);
  });
  it.each([
    [`legacy:org:${hash}:`, 'reserved'],
    [`a:org:not-a-hash:`, 'SHA-256'],
    [`a:org:${hash}:10.0.0.1:8080`, 'too many'],
    [`a:org:${hash}:http://x.example`, 'too many'],
    [`a:org:${hash}:bad_host!`, 'not a host name'],
    [`a::${hash}:`, 'organisation id'],
    [`a:org:${hash}:;b:org:${hash}:`, 'shares its token'],
  ])('refuses %s at start-up', (value, why) => {
    expect(() => loadConfig({ REFERRAL_SENDERS: value })).toThrow(why);
  });
});

describe('describeConfig', () => {
  it('documents exactly the variables of the schema, each with a description', () => {
    const documented = describeConfig().map((v) => v.name).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape ?? {}).sort());
    for (const v of describeConfig()) expect(v.description.length).toBeGreaterThan(10);
  });

  it('its defaults are the ones loadConfig applies', () => {
    const fromDefaults = loadConfig(
      Object.fromEntries(describeConfig().filter((v) => v.default !== undefined).map((v) => [v.name, v.default!])),
    );
    expect(fromDefaults).toEqual(loadConfig({}));
  });
});
