import type { Refusal } from './refusals';

export type Result<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(refusal: Refusal): Result<T> => ({ ok: false, refusal });
