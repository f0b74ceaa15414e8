/** The text folds: what a person may type differently and still mean the same thing. */
import { foldKey, foldText, searchKey } from '../../src/domain';

describe('foldText', () => {
  test.each([
    ['ｈｅｌｐ', 'help'], // full-width letters from a Japanese IME
    ['  New \u3000 Deal  ', 'new deal'], // ideographic space, several spaces
    ['new\u00a0deal', 'new deal'], // no-break space
    ['ﾊﾟｲﾌﾟﾗｲﾝ', 'パイプライン'], // half-width katakana
    ['取引　一覧', '取引 一覧'],
  ])('%j → %j', (typed, folded) => {
    expect(foldText(typed)).toBe(folded);
  });
});

describe('foldKey', () => {
  test('spaces, underscores, hyphens, case and width do not matter', () => {
    const keys = [
      'secureCustomerLoe',
      'Secure customer LOE',
      'secure_customer_loe',
      'SECURE-CUSTOMER-LOE',
      'ｓｅｃｕｒｅ ｃｕｓｔｏｍｅｒ ｌｏｅ',
    ];
    expect(new Set(keys.map(foldKey))).toEqual(new Set(['securecustomerloe']));
  });

  test('Japanese names keep their characters; only spacing folds', () => {
    expect(foldKey('顧客の LOE を確保')).toBe(foldKey('顧客のLOEを確保'));
    expect(foldKey('顧客のLOEを確保')).toBe('顧客のloeを確保');
  });

  test('different names stay different', () => {
    expect(foldKey('Collect data')).not.toBe(foldKey('Collected data'));
  });
});

describe('searchKey (R6 customer search)', () => {
  test('katakana, half-width katakana and hiragana are one key', () => {
    expect(searchKey('コントソ')).toBe('こんとそ');
    expect(searchKey('ｺﾝﾄｿ')).toBe('こんとそ');
    expect(searchKey('こんとそ')).toBe('こんとそ');
  });

  test('case, width and punctuation with its spaces collapse to single spaces', () => {
    expect(searchKey('  Contoso,  Ltd.  ')).toBe('contoso ltd');
    expect(searchKey('ＣＯＮＴＯＳＯ（株）')).toBe('contoso 株');
    expect(searchKey('株式会社・コントソ「東京」')).toBe('株式会社 こんとそ 東京');
  });

  test('words stay apart, so a query for every word matches', () => {
    expect(searchKey('Contoso Japan').split(' ')).toEqual(['contoso', 'japan']);
  });
});
