import type { DomainEvent, WidgetMessage } from '@parley/contracts';
import type { ChatState } from './chat-state.ts';
import { type ChatMessage, fromServer, markRead, mergeMessages } from './messages.ts';

/** `closedAfter` value: the notice stays after the last message until something new is written. */
export const CLOSED_AT_END = '*';

/** Pins an "at the end" closed notice to the message that is last now, before newer ones arrive. */
export function pinClosedNotice(state: ChatState): string | null {
  return state.closedAfter === CLOSED_AT_END ? (state.messages.at(-1)?.key ?? null) : state.closedAfter;
}

/** What a message of the visitor's stream changes on screen; null when it does not concern the visitor. */
export function reduceEvent(state: ChatState, event: DomainEvent): Partial<ChatState> | null {
  switch (event.name) {
    case 'message.created': {
      const message = event.payload.message as WidgetMessage & { private?: boolean };
      // Private notes never reach the visitor (the server filters them); never show one anyway.
      if (message.private) return null;
      const { id, status } = event.payload.conversation;
      const incoming: ChatMessage = fromServer(message);
      const fresh = !state.messages.some(
        (m) => m.id === message.id || (m.clientId && m.clientId === message.clientId),
      );
      return {
        conversation: { id, status },
        closedAfter: fresh ? pinClosedNotice(state) : state.closedAfter,
        messages: mergeMessages(state.messages, [incoming]),
      };
    }
    case 'message.read': {
      // The operator read the visitor's messages, or the visitor read in another tab.
      const own = event.payload.reader === 'operator';
      return { messages: markRead(state.messages, own, event.payload.upTo) };
    }
    case 'conversation.created':
    case 'conversation.updated': {
      const { id, status } = event.payload.conversation;
      const current = state.conversation;
      if (current && current.id !== id && status !== 'open') return null;
      if (status === 'closed') return { conversation: { id, status }, closedAfter: CLOSED_AT_END };
      const reopened = current?.id === id && current.status === 'closed';
      return { conversation: { id, status }, closedAfter: reopened ? null : state.closedAfter };
    }
    case 'widget.availability': {
      // "Someone can answer" changed: available means the team is open too; away keeps what the
      // session said about business hours.
      const { settings } = state;
      if (!settings) return null;
      const online = event.payload.available;
      return { settings: { ...settings, online, outOfHours: online ? false : settings.outOfHours } };
    }
    default:
      return null;
  }
}
