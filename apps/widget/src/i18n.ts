/**
 * The widget's tiny dictionary (SPEC CHAN-1: localised in en, es, fr).
 * Shared by the loader (only `launcherLabel` is tree-shaken into widget.js) and the panel.
 */

export const LANGS = ['en', 'es', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'en';

/** Picks a supported language from candidates like "fr", "es-MX" or "en_GB"; falls back to English. */
export function pickLang(...candidates: ReadonlyArray<string | null | undefined>): Lang {
  for (const candidate of candidates) {
    const primary = candidate?.trim().split(/[-_]/)[0]?.toLowerCase();
    const found = LANGS.find((lang) => lang === primary);
    if (found) return found;
  }
  return DEFAULT_LANG;
}

/** The launcher button's accessible name; kept apart so the loader does not carry the whole dictionary. */
export const launcherLabel: Record<Lang, string> = {
  en: 'Open chat',
  es: 'Abrir chat',
  fr: 'Ouvrir le chat',
};

export interface Messages {
  title: string;
  subtitle: string;
  close: string;
  conversation: string;
  greeting: string;
  messageLabel: string;
  placeholder: string;
  send: string;
  you: string;
}

export const messages: Record<Lang, Messages> = {
  en: {
    title: 'Chat with us',
    subtitle: 'We usually reply in a few minutes',
    close: 'Close chat',
    conversation: 'Conversation',
    greeting: 'Hi there! How can we help you today?',
    messageLabel: 'Message',
    placeholder: 'Type your message…',
    send: 'Send',
    you: 'You',
  },
  es: {
    title: 'Chatea con nosotros',
    subtitle: 'Solemos responder en pocos minutos',
    close: 'Cerrar chat',
    conversation: 'Conversación',
    greeting: '¡Hola! ¿En qué podemos ayudarte hoy?',
    messageLabel: 'Mensaje',
    placeholder: 'Escribe tu mensaje…',
    send: 'Enviar',
    you: 'Tú',
  },
  fr: {
    title: 'Discutez avec nous',
    subtitle: 'Nous répondons généralement en quelques minutes',
    close: 'Fermer le chat',
    conversation: 'Conversation',
    greeting: 'Bonjour ! Comment pouvons-nous vous aider ?',
    messageLabel: 'Message',
    placeholder: 'Écrivez votre message…',
    send: 'Envoyer',
    you: 'Vous',
  },
};
