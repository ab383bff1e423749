/**
 * The administration console (`#/admin`): a page of tabs for server admins, loaded as
 * its own chunk (most people never open it). It only calls the admin API
 * (`/v1/admin/...`) through the SDK's AdminHttpClient: the server decides who may, and
 * refuses anyone else with `admin_required` whatever this page shows.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { AdminHttpClient } from '@parley/sdk';
import { AuditTab } from './audit-tab';
import { ConversationsTab } from './conversations-tab';
import { DashboardTab } from './dashboard-tab';
import { RegistrationTab } from './registration-tab';
import { ReportsTab } from './reports-tab';
import { SettingsTab } from './settings-tab';
import { StorageTab } from './storage-tab';
import { UsersTab } from './users-tab';
import '../../styles/admin.css';

const TABS = [
  ['dashboard', 'Dashboard'],
  ['users', 'Users'],
  ['conversations', 'Conversations'],
  ['reports', 'Reports'],
  ['registration', 'Registration'],
  ['settings', 'Settings'],
  ['storage', 'Storage'],
  ['audit', 'Audit log'],
] as const;
type Tab = (typeof TABS)[number][0];

export interface AdminTabProps {
  api: AdminHttpClient;
}

export function AdminConsole({ token, onClose }: { token: string; onClose: () => void }) {
  const api = useMemo(() => new AdminHttpClient({ baseUrl: window.location.origin, getToken: () => token }), [token]);
  const [tab, setTab] = useState<Tab>('dashboard');
  const panels: Record<Tab, ReactNode> = {
    dashboard: <DashboardTab api={api} />,
    users: <UsersTab api={api} />,
    conversations: <ConversationsTab api={api} />,
    reports: <ReportsTab api={api} />,
    registration: <RegistrationTab api={api} />,
    settings: <SettingsTab api={api} />,
    storage: <StorageTab api={api} />,
    audit: <AuditTab api={api} />,
  };
  const onKey = (event: React.KeyboardEvent, index: number) => {
    // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (next === undefined) return;
    setTab(next[0]);
    document.getElementById(`admin-tab-${next[0]}`)?.focus();
  };
  return (
    <div className="admin-console">
      <header className="admin-header">
        <h2>Administration</h2>
        <button type="button" className="btn btn-small" onClick={onClose}>
          Back to chats
        </button>
      </header>
      <div className="admin-tabs" role="tablist" aria-label="Administration">
        {TABS.map(([key, label], index) => (
          <button
            key={key}
            id={`admin-tab-${key}`}
            type="button"
            role="tab"
            aria-selected={tab === key}
            aria-controls={`admin-panel-${key}`}
            tabIndex={tab === key ? 0 : -1}
            onClick={() => setTab(key)}
            onKeyDown={(e) => onKey(e, index)}
          >
            {label}
          </button>
        ))}
      </div>
      <section
        className="admin-panel"
        id={`admin-panel-${tab}`}
        role="tabpanel"
        aria-labelledby={`admin-tab-${tab}`}
        tabIndex={0}
      >
        {panels[tab]}
      </section>
    </div>
  );
}
