/** A user-visible text in both languages the product speaks. */
export type Lang = 'en' | 'ja';
export const LANGS: readonly Lang[] = ['en', 'ja'];

export interface Text {
  en: string;
  ja: string;
}

/** A parameter is either the same in both languages (a name, a number) or itself a Text (a stage label). */
export type Params = Record<string, string | number | Text>;

function isText(v: unknown): v is Text {
  return typeof v === 'object' && v !== null && 'en' in v && 'ja' in v;
}

export function fill(template: string, params: Params = {}, lang: Lang = 'en'): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    if (v === undefined) return whole;
    return isText(v) ? v[lang] : String(v);
  });
}

export function text(t: Text, params?: Params): Text {
  return { en: fill(t.en, params, 'en'), ja: fill(t.ja, params, 'ja') };
}
