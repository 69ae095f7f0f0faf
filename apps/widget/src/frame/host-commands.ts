import type { WidgetSession } from '@parley/contracts';
import type { HostToFrame, IdentifyInput, PageInfo } from '../protocol.ts';
import type { ChatController } from './controller.ts';

const warn = (what: string) => (error: unknown) =>
  console.warn(`[Parley] ${what} failed:`, error instanceof Error ? error.message || error.name : error);

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A page's url, title or referrer comes from any website: made into well-formed text the server
 * accepts (no control characters, no lone surrogates) and cut to `max` without splitting a pair.
 */
export function clip(text: string, max: number): string {
  const clean = text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(loneSurrogate, '')
    .trim();
  const cut = clean.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

async function identify(chat: ChatController, user: IdentifyInput): Promise<void> {
  const body = { id: user.id, name: user.name || undefined, email: user.email || undefined, hash: user.hash };
  const result = await chat.call<Partial<WidgetSession> | undefined>('POST', 'identify', body);
  // The visitor is now a known contact, maybe with an earlier conversation: take the fresh session.
  if (result?.token && result.settings && result.contact && result.visitorId)
    chat.applySession(result as WidgetSession);
  else await chat.refreshSession();
}

function pageView(chat: ChatController, page: PageInfo): Promise<void> {
  const body = {
    url: clip(page.url, 2000),
    title: clip(page.title, 500),
    referrer: clip(page.referrer, 2000),
  };
  return chat.call('POST', 'page-views', body);
}

/** The JS API on the host page (`Parley.*`) and page views, carried out by the panel. */
export function handleHostMessage(chat: ChatController, message: HostToFrame): void {
  switch (message.type) {
    case 'open':
    case 'close':
      chat.setOpen(message.type === 'open');
      return;
    case 'identify':
      chat.whenReady(() => identify(chat, message.user).catch(warn('Parley.identify')));
      return;
    case 'attributes':
      chat.whenReady(() =>
        chat
          .call<void>('PUT', 'attributes', { attributes: message.attributes })
          .catch(warn('Parley.setAttributes')),
      );
      return;
    case 'page':
      chat.whenReady(() => pageView(chat, message.page).catch(warn('page view')));
      return;
  }
}
