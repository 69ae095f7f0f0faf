import type { DomainEvent, InboxItem } from '@parley/contracts';
import type { QueryClient } from '@tanstack/react-query';
import i18next from 'i18next';
import { replaceLive } from '../../api/live-patch.ts';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { desktopNotificationsSupported } from '../conversations/alerts.ts';
import { inboxKeys } from './inbox-api.ts';

/** One line saying what an item is about, in the operator's language. */
export function itemTitle(item: InboxItem): string {
  return i18next.t(`inbox.kinds.${item.kind}`, { actor: item.actorName ?? i18next.t('inbox.someone') });
}

function notifyDesktop(workspaceId: string, item: InboxItem): void {
  if (!desktopNotificationsSupported() || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(itemTitle(item), {
      body: (item.excerpt ?? '').slice(0, 200),
      tag: `parley-inbox-${item.id}`,
    });
    notification.onclick = () => {
      window.focus();
      navigate(paths.conversation(workspaceId, item.entity.id));
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

/**
 * WS-1 / OI-4 / OI-7 events: the unread badge follows the count the server sends, lists refetch,
 * and a new item while the console is live is also a desktop notification.
 */
export function applyInboxEvent(client: QueryClient, workspaceId: string, live: boolean, event: DomainEvent) {
  switch (event.name) {
    case 'inbox.item_created':
    case 'inbox.items_updated':
      replaceLive(client, inboxKeys.unread(workspaceId), { unread: event.payload.unread });
      void client.invalidateQueries({ queryKey: [...inboxKeys.all(workspaceId), 'list'] });
      if (event.name === 'inbox.item_created' && live) notifyDesktop(workspaceId, event.payload.item);
      return;
    case 'monitor.changed':
      replaceLive(client, inboxKeys.monitored(workspaceId), {
        conversationIds: event.payload.conversationIds,
      });
      void client.invalidateQueries({ queryKey: inboxKeys.monitoredList(workspaceId) });
      return;
    case 'help.requested':
    case 'help.answered':
      void client.invalidateQueries({
        queryKey: inboxKeys.help(workspaceId, event.payload.request.conversationId),
      });
      return;
    case 'conversation.updated':
      // A monitored conversation changed state: the monitored list shows its status.
      void client.invalidateQueries({ queryKey: inboxKeys.monitoredList(workspaceId) });
      return;
    default:
      return;
  }
}
