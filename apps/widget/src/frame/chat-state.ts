import type { ConversationStatus, WidgetSession, WidgetSettings } from '@parley/contracts';
import type { RealtimeStatus } from '@parley/contracts/realtime-client';
import type { ChatMessage } from './messages.ts';
import type { QueuePlace } from './queue.ts';
import type { ToolsState } from './tools.ts';

export interface ConversationRef {
  id: string;
  status: ConversationStatus;
}

export interface ChatState extends ToolsState {
  phase: 'loading' | 'ready' | 'failed';
  /** Why the chat could not start (phase `failed`). */
  fatal: string | null;
  settings: WidgetSettings | null;
  contact: WidgetSession['contact'];
  conversation: ConversationRef | null;
  messages: ChatMessage[];
  /** Older history exists on the server. */
  hasMore: boolean;
  loadingOlder: boolean;
  connection: RealtimeStatus | 'idle';
  /** The connection was live once: "reconnecting" rather than "connecting". */
  wasLive: boolean;
  /** Name of the operator typing now, or null. */
  typing: string | null;
  /** Key of the message after which "This conversation was closed" shows ('*' = after the last one). */
  closedAfter: string | null;
  /** The visitor's place in the team queue while their conversation waits there (ROUTE-2). */
  queue: QueuePlace | null;
  /** A transient problem to tell the visitor (role=alert). */
  alert: string | null;
  /** The panel is open on the host page (always true when frame.html is opened directly). */
  open: boolean;
  /**
   * The offline form was sent in this visit: its thanks stay while nobody can answer, though the
   * message now makes a conversation (which would otherwise bring back the composer or pre-chat).
   */
  offlineSent: boolean;
}

export function initialState(open: boolean): ChatState {
  return {
    phase: 'loading',
    fatal: null,
    settings: null,
    contact: { name: null, email: null, identified: false },
    conversation: null,
    messages: [],
    hasMore: false,
    loadingOlder: false,
    connection: 'idle',
    wasLive: false,
    typing: null,
    closedAfter: null,
    queue: null,
    alert: null,
    open,
    offlineSent: false,
    surveys: [],
    csat: null,
  };
}
