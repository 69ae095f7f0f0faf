/**
 * widget.js — the loader embedded on customer sites (SPEC §5):
 *   <script src="https://HOST/widget.js" data-workspace="KEY" async></script>
 *
 * Plain TypeScript, no framework. Built as a classic IIFE script: the only global it
 * defines is `window.Parley` ({ open, close, toggle }). Calls made before it loaded are
 * replayed when `window.Parley` was a queue stub, e.g.
 *   window.Parley = window.Parley || { q: [] }; Parley.q.push(['open']);
 *
 * It injects, inside a Shadow DOM, a launcher bubble and an iframe holding the panel
 * (HOST/widget/frame.html), and talks to that iframe with postMessage.
 */
import { launcherLabel, pickLang } from '../i18n.ts';
import { type FrameToHost, type HostToFrame, isParleyMessage } from '../protocol.ts';
import { HOST_STYLE, ICON_CHAT, ICON_CLOSE, SHADOW_CSS } from './styles.ts';

type Method = 'open' | 'close' | 'toggle';

export interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  /** Marks the real API, so a second copy of the script does nothing. */
  readonly loaded: true;
}

type ParleyGlobal = Window & { Parley?: unknown };

const SVG_NS = 'http://www.w3.org/2000/svg';

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.workspace) return current;
  return (
    document.querySelector<HTMLScriptElement>('script[data-workspace][src*="widget.js"]') ??
    document.querySelector<HTMLScriptElement>('script[data-workspace]')
  );
}

/** Entries of a queue stub: ['open'], an `arguments` object, or a bare method name. */
function queuedMethods(previous: unknown): string[] {
  if ((typeof previous !== 'object' && typeof previous !== 'function') || previous === null) return [];
  const queue = (previous as { q?: unknown }).q;
  if (!Array.isArray(queue)) return [];
  return queue.map((entry: unknown) =>
    typeof entry === 'string' ? entry : String((entry as ArrayLike<unknown> | null)?.[0]),
  );
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
  const lang = (script.dataset.lang || navigator.language || 'en').split('-')[0]!.toLowerCase();
  const frameUrl = new URL('widget/frame.html', script.src);
  frameUrl.search = new URLSearchParams({ workspace, lang }).toString();
  const frameOrigin = frameUrl.origin;

  let isOpen = false;
  let frameReady = false;
  let button: HTMLButtonElement | undefined;
  let iconPath: SVGPathElement | undefined;
  let panel: HTMLIFrameElement | undefined;
  let shadow: ShadowRoot | undefined;

  const post = (message: HostToFrame): void => {
    if (frameReady) panel?.contentWindow?.postMessage(message, frameOrigin);
  };

  const render = (): void => {
    if (!button || !panel || !iconPath) return;
    button.setAttribute('aria-expanded', String(isOpen));
    panel.classList.toggle('o', isOpen);
    iconPath.setAttribute('d', isOpen ? ICON_CLOSE : ICON_CHAT);
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

  const api: ParleyApi = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
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
    panel.title = 'Parley chat';
    panel.src = frameUrl.href;

    button = document.createElement('button');
    button.type = 'button';
    button.className = 'b';
    button.setAttribute('aria-label', launcherLabel[pickLang(lang)]);
    button.setAttribute('aria-controls', panel.id);
    button.addEventListener('click', () => setOpen(!isOpen, true));

    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    iconPath = document.createElementNS(SVG_NS, 'path');
    svg.append(iconPath);
    button.append(svg);

    shadow.append(style, panel, button);
    shadow.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Escape' && isOpen) api.close();
    });

    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.source !== panel?.contentWindow || event.origin !== frameOrigin) return;
      if (!isParleyMessage<FrameToHost>(event.data, ['ready', 'close'])) return;
      if (event.data.type === 'ready') {
        frameReady = true;
        if (isOpen) post({ source: 'parley', type: 'open' });
      } else {
        api.close();
      }
    });

    render();
    document.body.append(host);
  };

  w.Parley = api;
  // An async script may run before <body> exists.
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  for (const method of queuedMethods(previous)) {
    if (method === 'open' || method === 'close' || method === 'toggle') api[method as Method]();
  }
}

boot();
