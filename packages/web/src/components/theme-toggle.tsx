/** The light/dark switch: saves the choice in localStorage and applies it at once. */
import { useEffect, useState } from 'react';
import { applyTheme, effectiveTheme, savedThemeChoice, saveThemeChoice, type ThemeChoice } from '../lib/theme';
import { MoonIcon, SunIcon } from './icons';

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(savedThemeChoice);
  useEffect(() => applyTheme(choice), [choice]);
  const dark = effectiveTheme(choice) === 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'}
      title={dark ? 'Light theme' : 'Dark theme'}
      onClick={() => {
        const next: ThemeChoice = dark ? 'light' : 'dark';
        saveThemeChoice(next);
        setChoice(next);
      }}
    >
      {dark ? <SunIcon /> : <MoonIcon />}
    </button>
  );
}
