/**
 * React access to the controller: a context set by ChatApp, and hooks to read
 * slices of the state and to re-render on a clock (relative times).
 */
import { createContext, useContext, useEffect, useState } from 'react';
import type { AppState } from './app-state';
import type { ChatController } from './controller';
import { useSelector } from './store';

export const ControllerContext = createContext<ChatController | null>(null);

export function useController(): ChatController {
  const controller = useContext(ControllerContext);
  if (controller === null) throw new Error('useController outside ControllerContext');
  return controller;
}

export function useAppState<T>(selector: (state: AppState) => T): T {
  return useSelector(useController().store, selector);
}

/** The current time, refreshed every `intervalMs` (for "5 min ago" labels). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
