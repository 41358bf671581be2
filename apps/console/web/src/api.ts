// The one place the console talks to the platform's HTTP API (same origin, bearer API key).
const KEY_STORAGE = 'klantcentraal.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_STORAGE, key);
export const clearKey = (): void => sessionStorage.removeItem(KEY_STORAGE);

/** An error answer of the API: `{ error, message, details? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type RequestOptions = { method?: string; body?: unknown; headers?: Record<string, string>; key?: string };

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? storedKey();
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const err = (body ?? {}) as { error?: string; message?: string };
    throw new ApiError(response.status, err.error ?? 'error', err.message ?? `${response.status} ${response.statusText}`);
  }
  return body as T;
}

/** A query string from the parameters that have a value. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
