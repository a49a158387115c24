/**
 * Loads remote data for the current inputs: aborts the previous request when the inputs change,
 * keeps the last data while the next one loads (tables do not flash), and can be retried.
 */
import { useEffect, useState } from 'react';

export interface Remote<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  retry: () => void;
}

/**
 * @param key identifies the request: a new key starts a new load; `null` loads nothing.
 * @param load called with an abort signal whenever `key` changes.
 */
export function useRemote<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Remote<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: unknown; loading: boolean }>({ key: null, loading: false });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (key === null) {
      setState({ key, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ key, data: s.data, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ key, error, loading: false });
      },
    );
    return () => controller.abort();
    // `load` is a new closure on every render; `key` says when it means a different request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);

  return {
    data: state.error === undefined ? state.data : undefined,
    error: state.error,
    loading: state.loading,
    retry: () => setAttempt((n) => n + 1),
  };
}
