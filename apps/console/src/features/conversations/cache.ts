import type { Conversation, ConversationDetail, Message } from '@parley/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { patchLive } from '../../api/live-patch.ts';
import { type ConversationFilter, queryKeys } from '../../api/query-keys.ts';
import type { ConversationListData, MessagesData } from './conversations-api.ts';

/** The list order: last activity, newest first. */
export const activityOf = (c: Conversation): number => Date.parse(c.lastMessage?.createdAt ?? c.createdAt);

export function matchesFilter(c: Conversation, filter: ConversationFilter, me: string): boolean {
  if (c.status !== filter.status) return false;
  if (filter.view === 'mine') return c.assigneeId === me;
  if (filter.view === 'unassigned') return c.assigneeId === null;
  return true;
}

function placeInList(data: ConversationListData, c: Conversation, keep: boolean): ConversationListData {
  const pages = data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== c.id) }));
  if (keep) {
    const at = activityOf(c);
    let placed = false;
    for (const page of pages) {
      const index = page.items.findIndex((item) => activityOf(item) < at);
      if (index >= 0) {
        page.items.splice(index, 0, c);
        placed = true;
        break;
      }
    }
    const last = pages[pages.length - 1];
    // Older than everything loaded: it belongs at the end only when there is nothing more to load.
    if (!placed && last && last.nextCursor === null) last.items.push(c);
  }
  return { ...data, pages };
}

function mergeDetail(detail: ConversationDetail, c: Conversation): ConversationDetail {
  return { ...detail, ...c, contact: { ...detail.contact, ...c.contact }, visitor: detail.visitor };
}

/** Puts a conversation's latest state into every cached list and its detail, without refetching. */
export function upsertConversation(
  client: QueryClient,
  workspaceId: string,
  me: string,
  c: Conversation,
): void {
  const lists = client.getQueryCache().findAll({ queryKey: queryKeys.conversationLists(workspaceId) });
  for (const query of lists) {
    const filter = query.queryKey[4] as ConversationFilter | undefined;
    if (!filter) continue;
    if (filter.q || filter.tagId) {
      // Which customers a search matches, and which conversations carry a tag, is the server's call.
      void client.invalidateQueries({ queryKey: query.queryKey, exact: true });
      continue;
    }
    patchLive<ConversationListData>(client, query.queryKey, (data) =>
      placeInList(data, c, matchesFilter(c, filter, me)),
    );
  }
  patchLive<ConversationDetail>(client, queryKeys.conversation(workspaceId, c.id), (detail) =>
    mergeDetail(detail, c),
  );
}

/** The cached state of one conversation, if any screen has loaded it. */
export function findCachedConversation(
  client: QueryClient,
  workspaceId: string,
  conversationId: string,
): Conversation | undefined {
  const detail = client.getQueryData<ConversationDetail>(queryKeys.conversation(workspaceId, conversationId));
  if (detail) return detail;
  for (const [, data] of client.getQueriesData<ConversationListData>({
    queryKey: queryKeys.conversationLists(workspaceId),
  })) {
    for (const page of data?.pages ?? []) {
      const found = page.items.find((item) => item.id === conversationId);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The order of messages, as the server keeps it: the sequence of their message.created event, which is
 * also the order they arrive live. Time and id only order messages older than sequences (all 0).
 */
export function compareMessages(a: Message, b: Message): number {
  return (
    a.seq - b.seq ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export const sameMessage = (a: Pick<Message, 'id' | 'clientId'>, b: Pick<Message, 'id' | 'clientId'>) =>
  a.id === b.id || (a.clientId !== null && a.clientId === b.clientId);

/** Adds a message to the newest page of its conversation, once, whichever of event or response comes first. */
export function insertMessage(client: QueryClient, workspaceId: string, message: Message): void {
  patchLive<MessagesData>(client, queryKeys.messages(workspaceId, message.conversationId), (data) => {
    const known = data.pages.some((page) => page.messages.some((m) => sameMessage(m, message)));
    const pages = data.pages.map((page, index) => {
      if (known)
        return { ...page, messages: page.messages.map((m) => (sameMessage(m, message) ? message : m)) };
      if (index !== 0) return page;
      const messages = [...page.messages, message].sort(compareMessages);
      return { ...page, messages };
    });
    return { ...data, pages };
  });
}

/**
 * `reader` saw every message of the other side up to `upTo`: the customer reading marks operator
 * messages read, an operator reading marks the customer's.
 */
export function markRead(
  client: QueryClient,
  workspaceId: string,
  conversationId: string,
  reader: 'contact' | 'operator',
  upTo: string,
  at: string,
): void {
  const limit = Date.parse(upTo);
  const read = (m: Message) =>
    !m.readAt &&
    !m.private &&
    Date.parse(m.createdAt) <= limit &&
    (reader === 'contact' ? m.authorKind !== 'contact' : m.authorKind === 'contact');
  patchLive<MessagesData>(client, queryKeys.messages(workspaceId, conversationId), (data) => {
    if (!data.pages.some((page) => page.messages.some(read))) return data;
    const pages = data.pages.map((page) => ({
      ...page,
      messages: page.messages.map((m) => (read(m) ? { ...m, readAt: at } : m)),
    }));
    return { ...data, pages };
  });
}
