/**
 * Entry point: applies the saved theme before the first paint, loads the styles
 * and mounts the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/app';
import { applyTheme, savedThemeChoice } from './lib/theme';
import { registerServiceWorker } from './pwa/register';
import './styles/base.css';
import './styles/layout.css';
import './styles/auth.css';
import './styles/sidebar.css';
import './styles/chat.css';
import './styles/dialogs.css';
import './styles/rich.css';
import './styles/panels.css';
import './styles/files.css';
import './styles/people.css';
import './styles/pinned-bar.css';
import './styles/sidebar-sections.css';
import './styles/attention.css';
import './styles/emoji.css';
import './styles/calls.css';

applyTheme(savedThemeChoice());
registerServiceWorker();

const root = document.getElementById('root');
if (root === null) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
