import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes prisma/demo/customers.csv: fictional companies in Japan and the United States for the demo directory
 * (loaded at start when the directory is empty). Deterministic, so re-running it changes nothing.
 *   node dist/scripts/generateDemoCustomers.js
 */

function rng(seed: number): () => number {
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261129);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

const JP_BRANDS = ['サクラ', 'フジ', 'アオバ', 'ミドリ', 'ヒカリ', 'コスモ', 'アサヒ', 'ツバサ', 'カエデ', 'ハヤテ', 'ミナト', 'ホシゾラ'];
const JP_TRADES = ['物流', '精密', '商事', '電機', '食品', '建設', 'システムズ', 'ソリューションズ', '製薬', 'テクノロジー'];
const JP_PLACES = [
  { city: 'Tokyo', state: 'Tokyo', streets: ['Marunouchi, Chiyoda-ku', 'Shibaura, Minato-ku', 'Nishi-Shinjuku, Shinjuku-ku'], zip: '100' },
  { city: 'Osaka', state: 'Osaka', streets: ['Umeda, Kita-ku', 'Honmachi, Chuo-ku'], zip: '530' },
  { city: 'Nagoya', state: 'Aichi', streets: ['Meieki, Nakamura-ku', 'Sakae, Naka-ku'], zip: '450' },
  { city: 'Yokohama', state: 'Kanagawa', streets: ['Minatomirai, Nishi-ku'], zip: '220' },
  { city: 'Fukuoka', state: 'Fukuoka', streets: ['Tenjin, Chuo-ku', 'Hakata-eki, Hakata-ku'], zip: '810' },
  { city: 'Sapporo', state: 'Hokkaido', streets: ['Kita-Sanjo, Chuo-ku'], zip: '060' },
];
const US_BRANDS = ['Contoso', 'Fabrikam', 'Northwind', 'Tailspin', 'Woodgrove', 'Litware', 'Proseware', 'Adatum', 'Wingtip', 'Lucerne', 'Alpine Ski', 'Blue Yonder'];
const US_TRADES = ['Logistics', 'Health', 'Foods', 'Energy', 'Retail', 'Manufacturing', 'Financial', 'Software', 'Pharmaceuticals', 'Outdoor'];
const US_SUFFIX = ['Inc.', 'LLC', 'Corp.'];
const US_PLACES = [
  { city: 'Seattle', state: 'WA', zip: '981', streets: ['Pine St', '4th Ave', 'Western Ave'] },
  { city: 'Redmond', state: 'WA', zip: '980', streets: ['NE 40th St', 'Bel-Red Rd'] },
  { city: 'New York', state: 'NY', zip: '100', streets: ['Madison Ave', 'Broadway'] },
  { city: 'Chicago', state: 'IL', zip: '606', streets: ['Wacker Dr', 'Michigan Ave'] },
  { city: 'Austin', state: 'TX', zip: '787', streets: ['Congress Ave', 'Lamar Blvd'] },
];

interface Row {
  name: string;
  addressLine1: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  duns: string;
}

const rows: Row[] = [];
const seen = new Set<string>();
let n = 0;
while (rows.filter((r) => r.country === 'JP').length < 120) {
  const place = pick(JP_PLACES);
  const name = random() < 0.5 ? `株式会社${pick(JP_BRANDS)}${pick(JP_TRADES)}` : `${pick(JP_BRANDS)}${pick(JP_TRADES)}株式会社`;
  // Several legal entities may share a name and a city (R6); DUNS tells them apart. Allow at most two.
  const k = `${name}|${place.city}`;
  if (seen.has(`${k}|2`)) continue;
  seen.add(seen.has(k) ? `${k}|2` : k);
  const chome = `${1 + Math.floor(random() * 9)}-${1 + Math.floor(random() * 20)}-${1 + Math.floor(random() * 30)}`;
  rows.push({
    name,
    addressLine1: `${chome} ${pick(place.streets)}`,
    city: place.city,
    state: place.state,
    postalCode: `${place.zip}-${String(Math.floor(random() * 10000)).padStart(4, '0')}`,
    country: 'JP',
    duns: `69${String(++n).padStart(7, '0')}`,
  });
}
// A few Latin-script names of Japanese subsidiaries, as they appear in real directories.
for (const brand of ['Fabrikam', 'Contoso', 'Northwind', 'Litware']) {
  rows.push({ name: `${brand} Japan KK`, addressLine1: '2-7-1 Marunouchi, Chiyoda-ku', city: 'Tokyo', state: 'Tokyo', postalCode: '100-0005', country: 'JP', duns: `69${String(++n).padStart(7, '0')}` });
}
while (rows.filter((r) => r.country === 'US').length < 100) {
  const place = pick(US_PLACES);
  const name = `${pick(US_BRANDS)} ${pick(US_TRADES)} ${pick(US_SUFFIX)}`;
  const k = `${name}|${place.city}`;
  if (seen.has(k)) continue;
  seen.add(k);
  rows.push({
    name,
    addressLine1: `${100 + Math.floor(random() * 9000)} ${pick(place.streets)}`,
    city: place.city,
    state: place.state,
    postalCode: `${place.zip}${String(Math.floor(random() * 100)).padStart(2, '0')}`,
    country: 'US',
    duns: `10${String(++n).padStart(7, '0')}`,
  });
}

const columns = ['name', 'addressLine1', 'city', 'state', 'postalCode', 'country', 'duns'] as const;
const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
let root = __dirname;
while (!fs.existsSync(path.join(root, 'package.json'))) root = path.dirname(root);
const out = path.join(root, 'prisma', 'demo', 'customers.csv');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, csv);
console.log(`wrote ${rows.length} customers to ${path.relative(process.cwd(), out)}`);
