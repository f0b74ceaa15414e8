import type { Response } from 'restify';
import { text, type Lang, type Params, type Refusal, type RefusalCode, type Text } from '../domain';
import type { ApiError } from './partnerCenterShape';

/**
 * How the deals API answers when something is refused: the domain's refusal code and its ja/en message, under an
 * HTTP status a client can act on. An invisible deal is 404, never 403 (R4: forged ids learn nothing).
 */
const STATUS_OF: Partial<Record<RefusalCode, number>> = {
  NOT_FOUND: 404,
  LOCATION_OUT_OF_SCOPE: 404,
  NOT_ON_TEAM: 404,
  NO_ROLE: 403,
  REQUIRES_ADMIN: 403,
  SYSTEM_ONLY: 403,
  OWN_REGISTRATION: 403,
  STALE_VERSION: 412,
  INVALID_INPUT: 422,
  UNKNOWN_STAGE: 422,
  IMMUTABLE_FIELD: 422,
  UNKNOWN_FIELD: 422,
  NOTHING_TO_CHANGE: 422,
  STAGE_NOT_FOR_TYPE: 422,
};

/** State-machine refusals (already accepted, closed, out of order, …) are conflicts with the deal's state: 409. */
export function httpStatusOf(code: RefusalCode): number {
  return STATUS_OF[code] ?? 409;
}

/** Refusals of the HTTP layer itself; the domain's refusals cover everything about deals. */
export const API_ERRORS = {
  UNAUTHORIZED: {
    status: 401,
    message: {
      en: 'Send a valid API client token: Authorization: Bearer <token>.',
      ja: '有効な API クライアント トークンを送信してください: Authorization: Bearer <token>。',
    },
  },
  LOCATION_OUT_OF_SCOPE: {
    status: 403,
    message: { en: 'The location {location} is not in this client’s scope.', ja: '場所「{location}」はこのクライアントのスコープに含まれていません。' },
  },
  BAD_JSON: {
    status: 400,
    message: { en: 'The body is not valid JSON: {detail}', ja: '本文が有効な JSON ではありません: {detail}' },
  },
  BAD_QUERY: {
    status: 400,
    message: { en: 'A query parameter is not valid.', ja: '無効なクエリ パラメーターがあります。' },
  },
  BAD_PATCH: {
    status: 400,
    message: {
      en: 'The body must be a JSON Patch document: an array of {"op", "path", "value"} (1–50 operations).',
      ja: '本文は JSON Patch ドキュメント ({"op", "path", "value"} の配列、1～50 個の操作) である必要があります。',
    },
  },
  BAD_BODY: {
    status: 400,
    message: { en: 'The body does not have the expected shape.', ja: '本文の形式が正しくありません。' },
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: { en: 'Send the body as {expected}.', ja: '本文は {expected} として送信してください。' },
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: { en: 'The body is larger than {max} KB.', ja: '本文が {max} KB を超えています。' },
  },
  UNSUPPORTED_OPERATION: {
    status: 422,
    message: {
      en: '"{op}" is not supported; use "replace" or "add". Nothing was changed.',
      ja: '「{op}」はサポートされていません。「replace」または「add」を使用してください。何も変更されていません。',
    },
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    message: {
      en: 'Send If-Match with the deal’s current ETag (from GET /api/deals/{id}) so that no one else’s change is overwritten.',
      ja: '他のユーザーの変更を上書きしないよう、取引の現在の ETag (GET /api/deals/{id} で取得) を If-Match で送信してください。',
    },
  },
  TRANSITION_NOT_SUPPORTED: {
    status: 409,
    message: {
      en: 'A deal cannot be moved to {status} / {substatus} through the API.',
      ja: 'API で取引を {status} / {substatus} に変更することはできません。',
    },
  },
  NOT_FOUND_ROUTE: {
    status: 404,
    message: { en: 'No such resource.', ja: 'そのリソースはありません。' },
  },
} as const satisfies Record<string, { status: number; message: Text }>;
export type ApiErrorCode = keyof typeof API_ERRORS;

export type { Lang } from '../domain';

/** Japanese when the client prefers it (Accept-Language: ja…) over English; English otherwise. */
export function langOf(acceptLanguage: string | undefined): Lang {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(/q=([\d.]+)/.exec(params.join(';'))?.[1] ?? 1);
      return { tag, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  const first = ranked.find((x) => x.tag.startsWith('ja') || x.tag.startsWith('en'));
  return first?.tag.startsWith('ja') ? 'ja' : 'en';
}

export interface Problem {
  status: number;
  body: ApiError;
}

type Extras = Pick<ApiError['error'], 'target' | 'accepted'>;

export function refusalProblem(refusal: Refusal, lang: Lang, extras: Extras = {}, statusOverride?: number): Problem {
  return {
    status: statusOverride ?? httpStatusOf(refusal.code),
    body: {
      error: {
        code: refusal.code,
        message: refusal.message[lang],
        messages: { en: refusal.message.en, ja: refusal.message.ja },
        ...extras,
        ...(refusal.fieldErrors.length
          ? { details: refusal.fieldErrors.map((f) => ({ field: f.field, code: f.code, message: { en: f.message.en, ja: f.message.ja } })) }
          : {}),
      },
    },
  };
}

export function apiProblem(code: ApiErrorCode, lang: Lang, params: Params = {}, extras: Extras = {}): Problem {
  const { status, message } = API_ERRORS[code];
  const filled = text(message, params);
  return { status, body: { error: { code, message: filled[lang], messages: filled, ...extras } } };
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.header(k, v);
  res.status(problem.status);
  res.json(problem.body);
}

/**
 * What the server answers when the fault is not the caller's, or before a route has a shape of its own
 * (/api/messages, unknown routes): `{code, message: {en, ja}, requestId}`. The details — stack, SQL, file paths —
 * go only to the log line that carries the same requestId (also sent as the `x-request-id` header).
 */
export const SERVER_ERRORS = {
  INTERNAL_ERROR: {
    status: 500,
    message: {
      en: 'Something went wrong on the server. Try again later; if it keeps happening, give the request ID to the operator.',
      ja: 'サーバーで問題が発生しました。しばらくしてからもう一度お試しください。繰り返し発生する場合は、リクエスト ID を管理者に伝えてください。',
    },
  },
  BOT_UNAUTHORIZED: {
    status: 401,
    message: {
      en: 'Send a valid Bot Framework token: Authorization: Bearer <token>.',
      ja: '有効な Bot Framework トークンを送信してください: Authorization: Bearer <token>。',
    },
  },
  AUTH_UNAVAILABLE: {
    status: 503,
    message: {
      en: 'The Bot Framework signing keys could not be loaded, so the request could not be checked. Try again shortly.',
      ja: 'Bot Framework の署名キーを読み込めなかったため、要求を確認できませんでした。しばらくしてからもう一度お試しください。',
    },
  },
  UNSUPPORTED_MEDIA_TYPE: API_ERRORS.UNSUPPORTED_MEDIA_TYPE,
  UNAUTHORIZED: API_ERRORS.UNAUTHORIZED,
  PAYLOAD_TOO_LARGE: API_ERRORS.PAYLOAD_TOO_LARGE,
  BAD_JSON: API_ERRORS.BAD_JSON,
  NOT_FOUND: API_ERRORS.NOT_FOUND_ROUTE,
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: { en: 'This resource does not accept that method.', ja: 'このリソースはそのメソッドを受け付けません。' },
  },
  WEBHOOK_UNAUTHORIZED: {
    status: 401,
    message: {
      en: 'The webhook signature could not be verified; nothing was read.',
      ja: 'Webhook の署名を検証できなかったため、何も読み取っていません。',
    },
  },
  FORBIDDEN: {
    status: 403,
    message: { en: 'This needs an API client with the admin role.', ja: 'この操作には管理者ロールの API クライアントが必要です。' },
  },
  BAD_REQUEST: {
    status: 400,
    message: { en: 'The request could not be understood.', ja: '要求を解釈できませんでした。' },
  },
  CHART_LINK_INVALID: {
    status: 403,
    message: { en: 'This chart link is not valid.', ja: 'このグラフのリンクは無効です。' },
  },
  CHART_LINK_EXPIRED: {
    status: 410,
    message: { en: 'This chart link has expired: ask for insights again.', ja: 'このグラフのリンクは期限切れです。もう一度「分析」と入力してください。' },
  },
} as const satisfies Record<string, { status: number; message: Text }>;
export type ServerErrorCode = keyof typeof SERVER_ERRORS;

export interface ServerErrorBody {
  code: ServerErrorCode;
  message: Text;
  requestId: string;
}

export function serverProblem(code: ServerErrorCode, requestId: string, params: Params = {}): { status: number; body: ServerErrorBody } {
  const { status, message } = SERVER_ERRORS[code];
  return { status, body: { code, message: text(message, params), requestId } };
}
