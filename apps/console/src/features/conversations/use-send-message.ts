import type { Attachment } from '@parley/contracts';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import i18next from 'i18next';
import { useCallback } from 'react';
import { isApiError } from '../../api/client.ts';
import { messageOf, textOf } from '../../components/use-api-form.ts';
import { insertMessage } from './cache.ts';
import { conversationApi } from './conversations-api.ts';
import { newClientId, type PendingMessage, pendingStore } from './pending-messages.ts';

export interface Draft {
  text: string;
  private: boolean;
  /** A supervisor's whisper to the assigned operator (OI-4). */
  whisper?: boolean;
  attachments: Attachment[];
}

const retryDelaysMs = [1000, 2000, 4000];

/** Worth trying again with the same client id: the server stores it once whatever happened. */
const transient = (error: unknown) =>
  isApiError(error, 'network_error') || (isApiError(error) && (error.status >= 500 || error.status === 429));

async function deliver(client: QueryClient, message: PendingMessage): Promise<void> {
  const { workspaceId } = message;
  pendingStore.update(message, { status: 'sending', error: undefined, transient: undefined });
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await conversationApi.send(workspaceId, message.conversationId, {
        clientId: message.clientId,
        text: message.text,
        private: message.private,
        whisper: message.whisper ?? false,
        attachmentIds: message.attachments.map((a) => a.id),
      });
      insertMessage(client, workspaceId, stored);
      pendingStore.remove(message);
      return;
    } catch (error) {
      const delay = retryDelaysMs[attempt];
      if (transient(error) && delay !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      // Why, in the operator's language (the code's text, or the server's detail for invalid input).
      const detail =
        isApiError(error) && error.code !== 'network_error'
          ? textOf(messageOf(error), i18next.t, i18next.resolvedLanguage)
          : undefined;
      pendingStore.update(message, {
        status: 'failed',
        error: detail || undefined,
        transient: transient(error),
      });
      return;
    }
  }
}

/** Shows the message at once as "sending"; retries (automatic on network errors, or by hand) reuse its client id. */
export function useSendMessage(workspaceId: string, conversationId: string) {
  const client = useQueryClient();
  const send = useCallback(
    (draft: Draft) => {
      const message: PendingMessage = {
        clientId: newClientId(),
        workspaceId,
        conversationId,
        ...draft,
        createdAt: new Date().toISOString(),
        status: 'sending',
      };
      pendingStore.add(message);
      void deliver(client, message);
    },
    [client, workspaceId, conversationId],
  );
  return send;
}

/**
 * The realtime connection is back, so the server probably is too: messages that failed because it
 * could not be reached are sent again by themselves, once each, with the same client id (the server
 * stores a client id once, so nothing is duplicated). What it refused stays for the operator to see.
 */
export function resendAfterReconnect(client: QueryClient, workspaceId: string): void {
  for (const message of pendingStore.failed(workspaceId)) {
    if (!message.transient || message.resent) continue;
    const again = { ...message, resent: true };
    pendingStore.update(message, { resent: true });
    void deliver(client, again);
  }
}

/** Sends a failed message again, with the same client id. */
export function useRetrySend() {
  const client = useQueryClient();
  return useCallback((message: PendingMessage) => void deliver(client, message), [client]);
}
