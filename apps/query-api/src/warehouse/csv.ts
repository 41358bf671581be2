/**
 * RFC 4180 CSV: a header line, then one line per row, CRLF line ends; a field is quoted when it holds a comma, a
 * double quote, CR or LF, with quotes doubled. null/undefined → empty field; arrays → items joined with " + ".
 */
export function toCsv(columns: readonly string[], rows: readonly Readonly<Record<string, unknown>>[]): string {
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((column) => field(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? value.map(String).join(' + ') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
