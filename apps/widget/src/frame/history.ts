import type { WidgetMessage } from '@parley/contracts';
import type { ChatController } from './controller.ts';
import { friendlyError } from './errors.ts';
import { fromServer, isOwn, mergeMessages } from './messages.ts';

const PAGE_SIZE = 50;

interface MessagePage {
  messages: WidgetMessage[];
  hasMore: boolean;
}

/** The newest page of the current conversation, merged in; the first load also says whether older pages exist. */
export async function refreshLatest(chat: ChatController): Promise<void> {
  if (!chat.state.conversation || !chat.token) return;
  try {
    const page = await chat.call<MessagePage>('GET', `messages?limit=${PAGE_SIZE}`);
    chat.sender?.drop(page.messages.filter(isOwn).map((m) => m.clientId));
    chat.store.update((s) => ({
      messages: mergeMessages(s.messages, page.messages.map(fromServer)),
      hasMore: s.messages.some((m) => m.id !== null) ? s.hasMore : page.hasMore,
    }));
  } catch {
    // New messages still arrive on the stream; the next reconnect tries again.
  }
}

/** The page before the oldest message shown (scrolling to the top). */
export async function loadOlder(chat: ChatController): Promise<void> {
  const s = chat.state;
  const oldest = s.messages.find((m) => m.id !== null)?.id;
  if (!s.hasMore || s.loadingOlder || !oldest) return;
  chat.store.update({ loadingOlder: true });
  try {
    const query = new URLSearchParams({ before: oldest, limit: String(PAGE_SIZE) });
    const page = await chat.call<MessagePage>('GET', `messages?${query}`);
    chat.store.update((st) => ({
      messages: mergeMessages(st.messages, page.messages.map(fromServer)),
      hasMore: page.hasMore,
      loadingOlder: false,
    }));
  } catch (error) {
    chat.store.update({ alert: friendlyError(error, chat.t), loadingOlder: false });
  }
}
