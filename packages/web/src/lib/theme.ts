/**
 * Light and dark themes: the choice is "system" (follow prefers-color-scheme),
 * "light" or "dark", saved in localStorage. The effective theme is written to
 * <html data-theme>, which the CSS variables key on.
 */

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'parley.theme';

export function savedThemeChoice(): ThemeChoice {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function saveThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
}

function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function effectiveTheme(choice: ThemeChoice): Theme {
  return choice === 'system' ? systemTheme() : choice;
}

/** Applies a choice now and, for "system", whenever the OS setting changes. Returns the cleanup. */
export function applyTheme(choice: ThemeChoice): () => void {
  const root = document.documentElement;
  const apply = () => {
    root.dataset.theme = effectiveTheme(choice);
  };
  apply();
  if (choice !== 'system') return () => undefined;
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', apply);
  return () => query.removeEventListener('change', apply);
}
