# Characters of the chart font subset: see README.md. Usage: subset-characters.py <1|2 JIS levels> <repo root>
import sys, glob
chars=set()
def rng(a,b):
    for c in range(a,b+1): chars.add(chr(c))
rng(0x20,0x7E); rng(0xA0,0xFF); rng(0x2010,0x2027); rng(0x2030,0x203B); chars.add('\u20ac'); rng(0x2190,0x2193); rng(0x2460,0x2473)
rng(0x2500,0x257F); rng(0x25A0,0x25CF); rng(0x3000,0x303F); rng(0x3040,0x309F); rng(0x30A0,0x30FF); rng(0x31F0,0x31FF); rng(0xFF01,0xFF9F); rng(0xFFE0,0xFFE6)
level = int(sys.argv[1])
# JIS X 0208 kanji: level 1 = rows 16-47, level 2 = rows 48-84 (decoded from EUC-JP)
rows = range(16, 48) if level == 1 else range(16, 85)
for row in rows:
    for cell in range(1, 95):
        try: chars.add(bytes([0xA0+row, 0xA0+cell]).decode('euc_jp'))
        except Exception: pass
for f in glob.glob(sys.argv[2]+'/cards/i18n/*/*.json')+[sys.argv[2]+'/src/domain/glossary.ts']:
    chars.update(open(f,encoding='utf-8').read())
chars={c for c in chars if c.isprintable() or c==' '}
print(''.join(sorted(chars)))
