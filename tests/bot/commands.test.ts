import { parseCommand } from '../../bot/commands';

describe('parseCommand', () => {
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
    expect(parseCommand(text)).toEqual({ id, args: '' });
  });

  it.each(['', 'hello', 'newdeal please', 'help me with a deal', '取引を'])('%j is not a command', (text) => {
    expect(parseCommand(text)).toBeUndefined();
  });

  it.each([
    ['deal 42', 'deal', '42'],
    ['Deal  Contoso Ltd', 'deal', 'Contoso Ltd'], // arguments keep their case
    ['取引 42', 'deal', '42'],
    ['deals type:sa stage:collect data', 'deals', 'type:sa stage:collect data'], // the longest command wins
    ['取引一覧 ステージ:データを収集する', 'deals', 'ステージ:データを収集する'],
    ['mine', 'mine', ''],
    ['remove role ken@contoso.com', 'removeRole', 'ken@contoso.com'],
    ['role ken@contoso.com admin tokyo', 'role', 'ken@contoso.com admin tokyo'],
  ])('%j → %s with arguments %j', (text, id, args) => {
    expect(parseCommand(text)).toEqual({ id, args });
  });
});
