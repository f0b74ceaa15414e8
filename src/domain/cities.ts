import { foldText } from './normalize';

/**
 * Japanese city names in kanji and romaji (issue 14: `横浜` must find rows written `Yokohama`, and the other way
 * round). The designated cities, the prefectural capitals and other large cities; a customer directory's city column
 * may hold either spelling (the demo directory and Dun & Bradstreet exports use romaji, people type kanji).
 */
const JP_CITIES: readonly (readonly [romaji: string, kanji: string])[] = [
  ['Sapporo', '札幌'], ['Sendai', '仙台'], ['Saitama', 'さいたま'], ['Chiba', '千葉'], ['Tokyo', '東京'], ['Yokohama', '横浜'],
  ['Kawasaki', '川崎'], ['Sagamihara', '相模原'], ['Niigata', '新潟'], ['Shizuoka', '静岡'], ['Hamamatsu', '浜松'], ['Nagoya', '名古屋'],
  ['Kyoto', '京都'], ['Osaka', '大阪'], ['Sakai', '堺'], ['Kobe', '神戸'], ['Okayama', '岡山'], ['Hiroshima', '広島'],
  ['Kitakyushu', '北九州'], ['Fukuoka', '福岡'], ['Kumamoto', '熊本'], ['Aomori', '青森'], ['Morioka', '盛岡'], ['Akita', '秋田'],
  ['Yamagata', '山形'], ['Fukushima', '福島'], ['Mito', '水戸'], ['Utsunomiya', '宇都宮'], ['Maebashi', '前橋'], ['Kofu', '甲府'],
  ['Nagano', '長野'], ['Toyama', '富山'], ['Kanazawa', '金沢'], ['Fukui', '福井'], ['Gifu', '岐阜'], ['Tsu', '津'], ['Otsu', '大津'],
  ['Nara', '奈良'], ['Wakayama', '和歌山'], ['Tottori', '鳥取'], ['Matsue', '松江'], ['Yamaguchi', '山口'], ['Tokushima', '徳島'],
  ['Takamatsu', '高松'], ['Matsuyama', '松山'], ['Kochi', '高知'], ['Saga', '佐賀'], ['Nagasaki', '長崎'], ['Oita', '大分'],
  ['Miyazaki', '宮崎'], ['Kagoshima', '鹿児島'], ['Naha', '那覇'], ['Hakodate', '函館'], ['Asahikawa', '旭川'], ['Kawaguchi', '川口'],
  ['Funabashi', '船橋'], ['Hachioji', '八王子'], ['Toyota', '豊田'], ['Okazaki', '岡崎'], ['Himeji', '姫路'], ['Nishinomiya', '西宮'],
  ['Amagasaki', '尼崎'], ['Kurashiki', '倉敷'], ['Fukuyama', '福山'], ['Kurume', '久留米'], ['Tsukuba', 'つくば'], ['Kashiwa', '柏'],
  ['Machida', '町田'], ['Fujisawa', '藤沢'], ['Yokosuka', '横須賀'], ['Takasaki', '高崎'], ['Koriyama', '郡山'], ['Iwaki', 'いわき'],
  ['Higashiosaka', '東大阪'], ['Toyonaka', '豊中'], ['Suita', '吹田'], ['Takatsuki', '高槻'], ['Hirakata', '枚方'], ['Ichikawa', '市川'],
  ['Matsudo', '松戸'], ['Kawagoe', '川越'], ['Tokorozawa', '所沢'], ['Koshigaya', '越谷'], ['Nagaoka', '長岡'], ['Ichinomiya', '一宮'],
  ['Kasugai', '春日井'], ['Yokkaichi', '四日市'], ['Shimonoseki', '下関'], ['Kure', '呉'], ['Sasebo', '佐世保'], ['Toyohashi', '豊橋'],
];

/** "横浜市", "Yokohama-shi", "yokohama city", "ＹＯＫＯＨＡＭＡ" → the bare name as the table writes it, folded. */
function bare(city: string): string {
  return foldText(city)
    .replace(/[\s-]*(shi|city|ku|ward)$/i, '')
    .replace(/[市区]$/, '')
    .trim();
}

const BY_NAME = new Map<string, readonly string[]>();
for (const [romaji, kanji] of JP_CITIES) {
  const both = [romaji.toLowerCase(), kanji];
  BY_NAME.set(romaji.toLowerCase(), both);
  BY_NAME.set(kanji, both);
}

/**
 * The spellings a city search should match: what was typed (folded), plus its other spelling when it is a city
 * the table knows. Matching stays "contains", so `Yokohama` still finds `Yokohama-shi, Kanagawa`.
 */
export function cityVariants(typed: string): string[] {
  const folded = foldText(typed).trim();
  if (!folded) return [];
  const other = BY_NAME.get(bare(typed)) ?? [];
  return [...new Set([folded, ...other])];
}
