import { toCsv } from './csv';

describe('toCsv (RFC 4180)', () => {
  it('writes a header line and one line per row, CRLF-terminated, numbers as JSON writes them', () => {
    expect(toCsv(['month', 'count', 'amount'], [{ month: '2026-03', count: 12, amount: 1234.5 }])).toBe('month,count,amount\r\n2026-03,12,1234.5\r\n');
  });

  it('quotes fields with commas, quotes or line breaks and doubles the quotes; null is an empty field', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [{ a: 'x,y', b: 'say "hi"', c: 'two\nlines', d: null }])).toBe(
      'a,b,c,d\r\n"x,y","say ""hi""","two\nlines",\r\n',
    );
  });

  it('joins list values with " + " and writes only the header for no rows', () => {
    expect(toCsv(['antecedent'], [{ antecedent: ['PRN', 'TON'] }])).toBe('antecedent\r\nPRN + TON\r\n');
    expect(toCsv(['x', 'y'], [])).toBe('x,y\r\n');
  });
});
