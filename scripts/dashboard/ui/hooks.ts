import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Calls `load` now and every `intervalMs` after the previous call settled (never two at once), until unmounted or
 * `key` changes. Returns the latest value and the latest error.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, key: unknown = null): { value?: T; error?: string; refresh: () => void } {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const next = await loadRef.current();
        if (stopped) return;
        setValue(next);
        setError(undefined);
      } catch (caught) {
        if (!stopped) setError((caught as Error).message);
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, key, tick]);
  return { value, error, refresh: () => setTick((n) => n + 1) };
}
