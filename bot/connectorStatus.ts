/** The HTTP status of a failed Bot Connector call (botframework-connector's RestError or a plain fetch error). */
export function connectorStatus(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The bot is no longer in that conversation: posting there will not work again until someone re-adds it. */
export const isGone = (err: unknown): boolean => [403, 404].includes(connectorStatus(err) ?? 0);
