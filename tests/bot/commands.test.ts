import { matchCommand } from '../../bot/commands';

describe('matchCommand', () => {
  it.each([
    ['help', 'help'],
    ['HELP', 'help'],
    ['  help  ', 'help'],
    ['help?', 'help'],
    ['/help', 'help'],
    ['ヘルプ', 'help'],
    ['ヘルプ。', 'help'],
    ['ｈｅｌｐ', 'help'], // full-width from a Japanese IME
    ['new deal', 'newDeal'],
    ['New   Deal', 'newDeal'],
    ['new\u3000deal', 'newDeal'], // ideographic space
    ['new&nbsp;deal', 'newDeal'],
    ['新しい取引', 'newDeal'],
    ['新しい 取引', 'newDeal'],
    ['deals', 'deals'],
    ['取引一覧', 'deals'],
    ['pipeline', 'pipeline'],
    ['パイプライン', 'pipeline'],
    ['ﾊﾟｲﾌﾟﾗｲﾝ', 'pipeline'], // half-width katakana
  ])('%j → %s', (text, id) => {
    expect(matchCommand(text)).toBe(id);
  });

  it.each(['', 'hello', 'newdeal please', 'help me with a deal', '取引を'])('%j is not a command', (text) => {
    expect(matchCommand(text)).toBeUndefined();
  });
});
