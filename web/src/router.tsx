/**
 * A minimal History API router: the current location as React state, `navigate()` to change it.
 * The server answers `index.html` for every non-API page path, so deep links work on reload.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const CHANGE = 'motcua:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  pathname: string;
  search: URLSearchParams;
}

/** The current path and query; re-renders on navigation and on the browser's back/forward. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

/** Goes to `href` (a new history entry) and to the top of the page, as a link to a new page would. */
export function navigate(href: string): void {
  if (href === snapshot()) return;
  window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** Replaces the current history entry with `href` (a redirect: back does not return to it). */
export function redirect(href: string): void {
  if (href === snapshot()) return;
  window.history.replaceState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** The path and query of the current page, e.g. to come back to it after signing in. */
export function currentHref(): string {
  return snapshot();
}

/** `next` when it is a path of this site (`/…`, not `//host`), else `fallback`. */
export function safeNext(next: string | null | undefined, fallback: string): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

/** Builds `pathname?query` without empty members. */
export function hrefOf(pathname: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

/**
 * An `<a href>` that navigates inside the app; modified clicks (new tab, new window) are left to
 * the browser.
 */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
