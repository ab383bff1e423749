/**
 * Attention signals: the unread count in the tab title, and a browser
 * notification for a new message while the tab is hidden (only with the user's
 * permission, asked for by a button, never on page load).
 */

import { truncateText } from '@parley/protocol';

const BASE_TITLE = 'Parley';

export function titleFor(unread: number): string {
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${BASE_TITLE}` : BASE_TITLE;
}

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return notificationsSupported() ? Notification.permission : 'unsupported';
}

export async function requestNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (!notificationsSupported()) return 'unsupported';
  return Notification.requestPermission();
}

/** Shows a notification when the page is hidden and permission was granted; clicking it focuses the chat. */
export function notifyHidden(title: string, body: string, tag: string, onClick: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  if (document.visibilityState !== 'hidden') return;
  // Cut by whole graphemes (never half an emoji), keeping the closing PDI of isolated text.
  const short = body.length > 140 ? `${truncateText(body, 138)}…\u2069` : body;
  const notification = new Notification(title, { body: short, tag });
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
}
