import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devSalesKey, parseTailArgs, UsageError } from './feed-tail';

describe('npm run feed: arguments and key', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-feed-tail-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeKeys = (dataDir: string) => {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'dev-api-keys.json'),
      JSON.stringify({ 'kc_ingest_x0123456789abcdefgh': { name: 'dev-ingest', roles: ['ingest'] }, 'kc_sales_y0123456789abcdefghi': { name: 'dev-sales', roles: ['sales'] } }),
    );
  };

  it('takes the flags (also as --flag=value)', () => {
    expect(parseTailArgs(['--account-manager', 'u-17', '--types=customer-at-risk,detractor-responded', '--url', 'http://h:1/', '--key', 'k'], {}, dir)).toEqual({
      url: 'http://h:1',
      key: 'k',
      accountManager: 'u-17',
      types: 'customer-at-risk,detractor-responded',
      json: false,
    });
  });

  it('finds the key in --key, else KLANTCENTRAAL_KEY, else the sales key of <DATA_DIR or .data>/dev-api-keys.json', () => {
    writeKeys(path.join(dir, '.data'));
    expect(parseTailArgs([], {}, dir)).toMatchObject({ key: 'kc_sales_y0123456789abcdefghi', url: 'http://localhost:3000' });
    expect(parseTailArgs([], { KLANTCENTRAAL_KEY: 'from-env', PORT: '4000' }, dir)).toMatchObject({ key: 'from-env', url: 'http://localhost:4000' });
    writeKeys(path.join(dir, 'elsewhere'));
    expect(devSalesKey(path.join(dir, 'elsewhere'))).toBe('kc_sales_y0123456789abcdefghi');
    expect(parseTailArgs([], { DATA_DIR: 'elsewhere' }, dir).key).toBe('kc_sales_y0123456789abcdefghi');
  });

  it('explains what is missing', () => {
    expect(() => parseTailArgs([], {}, dir)).toThrow(UsageError);
    expect(() => parseTailArgs(['--key', 'k', '--colour'], {}, dir)).toThrow(/unknown argument --colour/);
    expect(() => parseTailArgs(['--key'], {}, dir)).toThrow(/--key needs a value/);
  });
});
