import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener('popstate', notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

export interface NavigateOptions {
  replace?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

export interface CurrentLocation {
  pathname: string;
  search: URLSearchParams;
  href: string;
}

/** Re-renders on pushState navigations made through `navigate` and on back/forward. */
export function useLocation(): CurrentLocation {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}

/** A post-login destination from `?next=`, accepted only when it stays on this origin. */
export function safeNext(search: URLSearchParams): string {
  const next = search.get('next');
  // `//host` and `/\host` are read by browsers as another origin.
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
