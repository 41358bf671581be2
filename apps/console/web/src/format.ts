// Numbers and moments as people read them; tables keep counts exact.
const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : integer.format(n));
export const number = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : decimal.format(n));
export const percent = (fraction: number | null | undefined): string =>
  fraction === null || fraction === undefined ? '—' : `${decimal.format(fraction * 100)} %`;
export const money = (amount: number, currency = 'EUR'): string =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);

export function moment(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
export const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '—');

/** `loyal-customer` → `Loyal customer`. */
export const label = (code: string | null | undefined): string =>
  code ? code.charAt(0).toUpperCase() + code.slice(1).replace(/-/g, ' ') : '—';
