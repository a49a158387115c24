import { useSyncExternalStore } from 'react';

/** Ant Design's `md` breakpoint: side menu and full tables from here up. */
export const WIDE = '(min-width: 768px)';

/** Whether a media query matches, from the first render on (no flash of the wrong layout). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}
