import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';

export type Loaded<T> = { data: T | null; error: ApiError | Error | null; loading: boolean; reload(): void };

/** GET `path` (null: nothing to load) and re-fetch whenever it changes. */
export function useApi<T>(path: string | null, headers?: Record<string, string>): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  const headerKey = JSON.stringify(headers ?? {});
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    api<T>(path, { headers })
      .then((data) => current && setState({ data, error: null, loading: false }))
      .catch((error: Error) => current && setState({ data: null, error, loading: false }));
    return () => {
      current = false;
    };
  }, [path, headerKey, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
