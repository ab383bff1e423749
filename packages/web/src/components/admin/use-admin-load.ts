/**
 * Loads something from the admin API for a tab, again whenever `reload` is called or
 * the inputs change; a late answer for older inputs is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './admin-format';

export function useAdminLoad<T>(load: () => Promise<T>, inputs: readonly unknown[]) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const generation = useRef(0);
  const [bump, setBump] = useState(0);
  useEffect(() => {
    const mine = ++generation.current;
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
      },
      (e: unknown) => {
        if (mine === generation.current) setError(errorText(e));
      },
    );
  }, [...inputs, bump]);
  const reload = useCallback(() => setBump((n) => n + 1), []);
  return { data, error, reload };
}
