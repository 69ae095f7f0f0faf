import type { Conversation, DomainEvent } from '@parley/contracts';
import i18next from 'i18next';
import { useSyncExternalStore } from 'react';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { customerName } from './format.ts';
import { addIncoming } from './incoming.ts';

// ── which conversations flash until someone opens them ──────────────────────────────────────────

const flashing = new Set<string>();
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function stopFlashing(conversationId: string): void {
  if (flashing.delete(conversationId)) emit();
}

export function useFlashing(conversationId: string): boolean {
  return useSyncExternalStore(subscribe, () => flashing.has(conversationId));
}

// ── a short chime from the Web Audio API: no audio files ───────────────────────────────────────

let audio: AudioContext | null = null;

/** Browsers only let audio start after a user gesture: create the context on the first one. */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    try {
      audio ??= new AudioContext();
      if (audio.state === 'suspended') void audio.resume();
    } catch {
      // No Web Audio: alerts stay silent.
    }
  };
  window.addEventListener('pointerdown', unlock, { once: true });
  window.addEventListener('keydown', unlock, { once: true });
  return () => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
  };
}

export function playChime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const start = ctx.currentTime;
    [880, 1318.5].forEach((frequency, index) => {
      const at = start + index * 0.14;
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.18, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.32);
    });
  } catch {
    // No Web Audio: alerts stay silent.
  }
}

// ── desktop notifications ──────────────────────────────────────────────────────────────────────

export const desktopNotificationsSupported = (): boolean => typeof Notification !== 'undefined';

function notifyDesktop(workspaceId: string, c: Conversation, title: string, text?: string): void {
  if (!desktopNotificationsSupported() || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(title, {
      body: [customerName(c, i18next.t), text || c.lastMessage?.text]
        .filter(Boolean)
        .join(': ')
        .slice(0, 200),
      tag: `parley-${c.id}`,
    });
    notification.onclick = () => {
      window.focus();
      navigate(paths.conversation(workspaceId, c.id));
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

// ── what deserves an alert ─────────────────────────────────────────────────────────────────────

const replayWindowMs = 2 * 60_000;

/**
 * Conversations announced on the desktop before their first message arrived (`conversation.created`
 * comes just before it): that message completes the notification, which it replaces (same tag).
 */
const awaitingText = new Map<string, string>();

/**
 * A new conversation I can see, or one someone else (or routing) assigned or transferred to me: flash
 * it, chime, and notify the desktop. Events replayed after a reconnect only alert when they are recent.
 */
export function alertFor(workspaceId: string, me: string, event: DomainEvent, live: boolean): void {
  if (!live && Date.now() - Date.parse(event.at) > replayWindowMs) return;
  if (event.name === 'message.created') {
    const { message, conversation } = event.payload;
    const title = awaitingText.get(conversation.id);
    if (title === undefined || message.authorKind !== 'contact') return;
    awaitingText.delete(conversation.id);
    notifyDesktop(workspaceId, conversation, title, message.text);
    return;
  }
  let title: string;
  let c: Conversation;
  if (event.name === 'conversation.created') {
    c = event.payload.conversation;
    title = i18next.t('alerts.newConversation');
  } else if (
    event.name === 'conversation.updated' &&
    (event.payload.change === 'assigned' || event.payload.change === 'transferred') &&
    event.payload.conversation.assigneeId === me &&
    event.payload.actorId !== me
  ) {
    c = event.payload.conversation;
    title = i18next.t(
      event.payload.change === 'transferred' ? 'alerts.transferredToYou' : 'alerts.assignedToYou',
    );
  } else {
    return;
  }
  if (c.status === 'closed') return;
  addIncoming(workspaceId, c);
  flashing.add(c.id);
  emit();
  playChime();
  notifyDesktop(workspaceId, c, title);
  if (!c.lastMessage) awaitingText.set(c.id, title);
}
