/**
 * widget.js — the loader embedded on customer sites (SPEC §5):
 *   <script src="https://HOST/widget.js" data-workspace="KEY" async></script>
 *
 * Plain TypeScript, no framework. Built as a classic IIFE script: the only global it
 * defines is `window.Parley` ({ open, close, toggle, identify, setAttributes, trackPage }).
 * Calls made before it loaded are replayed when `window.Parley` was a queue stub, e.g.
 *   window.Parley = window.Parley || { q: [] }; Parley.q.push(['identify', { id, hash }]);
 *
 * It injects, inside a Shadow DOM, a launcher bubble (with an unread badge) and an iframe
 * holding the panel (HOST/widget/frame.html), and talks to that iframe with postMessage:
 * API calls and page views are queued until the panel says it is ready; the panel makes
 * the HTTP calls.
 */
import { frameTitle, launcherLabel, pickLang, unreadLabel } from '../i18n.ts';
import {
  type Attributes,
  type FrameToHost,
  type HostToFrame,
  type IdentifyInput,
  isParleyMessage,
} from '../protocol.ts';
import { FULLSCREEN_MEDIA, HOST_STYLE, ICON_CHAT, ICON_CLOSE, SHADOW_CSS } from './styles.ts';

export interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  /** Links the visitor to a known user; `hash` is HMAC-SHA256(workspace secret, id) in hex. */
  identify(user: IdentifyInput): void;
  setAttributes(attributes: Attributes): void;
  /** Reports the current page (done by itself on load and on pushState / popstate). */
  trackPage(): void;
  /** Marks the real API, so a second copy of the script does nothing. */
  readonly loaded: true;
}

type ParleyGlobal = Window & { Parley?: unknown };
type Method = Exclude<keyof ParleyApi, 'loaded'>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.workspace) return current;
  return (
    document.querySelector<HTMLScriptElement>('script[data-workspace][src*="widget.js"]') ??
    document.querySelector<HTMLScriptElement>('script[data-workspace]')
  );
}

/** Entries of a queue stub: ['identify', {...}], an `arguments` object, or a bare method name. */
function queuedCalls(previous: unknown): Array<[string, unknown]> {
  if ((typeof previous !== 'object' && typeof previous !== 'function') || previous === null) return [];
  const queue = (previous as { q?: unknown }).q;
  if (!Array.isArray(queue)) return [];
  return queue.map((entry: unknown) => {
    if (typeof entry === 'string') return [entry, undefined];
    const list = entry as ArrayLike<unknown> | null;
    return [String(list?.[0]), list?.[1]];
  });
}

function boot(): void {
  const w = window as ParleyGlobal;
  const previous = w.Parley;
  if ((previous as Partial<ParleyApi> | undefined)?.loaded) return;

  const script = findScript();
  const workspace = script?.dataset.workspace;
  if (!script || !workspace) {
    console.warn('[Parley] widget.js needs a data-workspace attribute on its <script> tag.');
    return;
  }

  // HOST is derived from the script's own URL (works behind a path prefix too).
  const lang = pickLang(script.dataset.lang, navigator.language);
  const frameUrl = new URL('widget/frame.html', script.src);
  frameUrl.search = new URLSearchParams({ workspace, lang }).toString();
  const frameOrigin = frameUrl.origin;

  let isOpen = false;
  let frameReady = false;
  let unread = 0;
  let lastUrl = '';
  const queue: HostToFrame[] = [];
  let button: HTMLButtonElement | undefined;
  let badge: HTMLSpanElement | undefined;
  let iconPath: SVGPathElement | undefined;
  let panel: HTMLIFrameElement | undefined;
  let shadow: ShadowRoot | undefined;

  /** `open`/`close` are dropped before ready (the state is sent on ready); data messages wait. */
  const post = (message: HostToFrame, keep?: boolean): void => {
    if (frameReady) panel?.contentWindow?.postMessage(message, frameOrigin);
    else if (keep) queue.push(message);
  };

  const render = (): void => {
    if (!button || !panel || !iconPath || !badge) return;
    button.setAttribute('aria-expanded', String(isOpen));
    panel.classList.toggle('o', isOpen);
    iconPath.setAttribute('d', isOpen ? ICON_CLOSE : ICON_CHAT);
    const [one, many] = unreadLabel[lang];
    const count = unread === 1 ? one : many.replace('{n}', String(unread));
    button.setAttribute('aria-label', launcherLabel[lang] + (unread > 0 ? `, ${count}` : ''));
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = isOpen || unread < 1;
  };

  /** `moveFocus`: the user used the launcher, so keyboard focus follows into the panel. */
  const setOpen = (next: boolean, moveFocus = false): void => {
    if (next === isOpen) return;
    const focusWasInside = shadow?.activeElement === panel;
    isOpen = next;
    render();
    if (isOpen) {
      if (moveFocus) panel?.focus();
      post({ source: 'parley', type: 'open' });
    } else {
      post({ source: 'parley', type: 'close' });
      if (focusWasInside) button?.focus();
    }
  };

  /** Page views for the visitors list; a SPA navigation's referrer is the previous URL. */
  const trackPage = (force?: boolean): void => {
    const url = location.href;
    if (url === lastUrl && !force) return;
    const referrer = lastUrl || document.referrer;
    lastUrl = url;
    post({ source: 'parley', type: 'page', page: { url, title: document.title, referrer } }, true);
  };

  const api: ParleyApi = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    identify: (user) => post({ source: 'parley', type: 'identify', user }, true),
    setAttributes: (attributes) => post({ source: 'parley', type: 'attributes', attributes }, true),
    trackPage: () => trackPage(true),
    loaded: true,
  };

  const mount = (): void => {
    const host = document.createElement('div');
    host.setAttribute('data-parley-widget', '');
    host.style.cssText = HOST_STYLE;
    shadow = host.attachShadow({ mode: 'open' });

    const style = document.createElement('style');
    style.textContent = SHADOW_CSS;

    panel = document.createElement('iframe');
    panel.className = 'p';
    panel.id = 'parley-panel';
    panel.title = frameTitle[lang];
    panel.src = frameUrl.href;

    button = document.createElement('button');
    button.type = 'button';
    button.className = 'b';
    button.setAttribute('aria-controls', panel.id);
    button.addEventListener('click', () => setOpen(!isOpen, true));

    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    iconPath = document.createElementNS(SVG_NS, 'path');
    svg.append(iconPath);
    badge = document.createElement('span');
    badge.className = 'u';
    badge.setAttribute('aria-hidden', 'true');
    button.append(svg, badge);

    shadow.append(style, panel, button);
    shadow.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Escape' && isOpen) api.close();
    });

    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.source !== panel?.contentWindow || event.origin !== frameOrigin) return;
      const data = event.data;
      if (!isParleyMessage<FrameToHost>(data, ['ready', 'close', 'unread'])) return;
      if (data.type === 'ready') {
        frameReady = true;
        for (const message of queue.splice(0)) post(message);
        if (isOpen) post({ source: 'parley', type: 'open' });
      } else if (data.type === 'unread') {
        unread = Math.max(0, Math.floor(Number(data.count)) || 0);
        render();
      } else {
        api.close();
      }
    });

    // A panel that fills the screen hides the page: keyboard focus leaving it (Tab past its last
    // control) comes back to it instead of wandering through the page behind.
    const fullscreen = matchMedia(FULLSCREEN_MEDIA);
    document.addEventListener(
      'focusin',
      (event) => {
        if (isOpen && fullscreen.matches && event.target !== host) panel?.focus();
      },
      true,
    );

    render();
    document.body.append(host);
  };

  w.Parley = api;
  // An async script may run before <body> exists.
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  for (const [method, arg] of queuedCalls(previous)) {
    if (Object.hasOwn(api, method) && method !== 'loaded')
      (api[method as Method] as (a: unknown) => void)(arg);
  }

  // Page views: now, and on single-page-app navigations (the title usually changes just after).
  trackPage();
  const { pushState } = history;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    pushState.apply(this, args);
    setTimeout(trackPage, 100);
  };
  addEventListener('popstate', () => setTimeout(trackPage, 100));
}

boot();
