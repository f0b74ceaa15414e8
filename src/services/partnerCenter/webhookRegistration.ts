import { z } from 'zod';
import { PC_REFERRAL_EVENTS } from './webhookSignature';

/**
 * Partner Center's webhook registration (`/webhooks/v1/registration` of the Partner Center REST API): which URL
 * Partner Center posts referral events to. Registering is an admin's decision (`partner center webhook`), never
 * automatic: GET shows the registration, POST creates it, PUT replaces it.
 */

const RegistrationSchema = z.object({ WebhookUrl: z.string(), WebhookEvents: z.array(z.string()) }).loose();
export type WebhookRegistration = z.infer<typeof RegistrationSchema>;

export interface WebhookRegistrar {
  current(): Promise<WebhookRegistration | null>;
  /** Points Partner Center's referral events at `webhookUrl`; returns what Partner Center now holds. */
  register(webhookUrl: string): Promise<WebhookRegistration>;
}

export class WebhookRegistrationError extends Error {
  constructor(readonly status: number | null) {
    super(`Partner Center webhook registration failed (${status ?? 'network'})`);
  }
}

export function createWebhookRegistrar(cfg: { url: string; token: () => Promise<string>; timeoutMs?: number }): WebhookRegistrar {
  const call = async (method: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), cfg.timeoutMs ?? 30_000);
    try {
      const res = await fetch(cfg.url, {
        method,
        headers: { Authorization: `Bearer ${await cfg.token()}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: ac.signal,
        redirect: 'error',
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: res.status, json };
    } catch {
      throw new WebhookRegistrationError(null);
    } finally {
      clearTimeout(timer);
    }
  };
  const parsed = (r: { status: number; json: unknown }) => {
    const p = RegistrationSchema.safeParse(r.json);
    if (r.status >= 300 || !p.success) throw new WebhookRegistrationError(r.status);
    return p.data;
  };
  return {
    async current() {
      const r = await call('GET');
      return r.status === 404 ? null : parsed(r);
    },
    async register(webhookUrl) {
      const body = { WebhookUrl: webhookUrl, WebhookEvents: [...PC_REFERRAL_EVENTS] };
      const existing = await this.current();
      return parsed(await call(existing ? 'PUT' : 'POST', body));
    },
  };
}
