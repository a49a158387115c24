/**
 * The staff session of this tab: the bearer token (in `sessionStorage`, so it ends with the tab),
 * the signed-in account with its permissions (`GET /staff/me`), and the purpose the officer stated
 * for this session's lookups of personal data.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as api from './api.js';
import type { Purpose, StaffMeDto } from './api.js';
import { useI18n } from './i18n.js';

export type Permission = 'citizen.read' | 'citizen.write' | 'citizen.import' | 'citizen.access-log' | 'staff.manage' | 'units.manage' | 'reports.read';

export type SessionState =
  | { status: 'loading' }
  /** `expired`: the server ended the session (not the officer). */
  | { status: 'anonymous'; expired: boolean }
  | { status: 'error'; error: unknown }
  | { status: 'signedIn'; staff: StaffMeDto };

export interface Session {
  state: SessionState;
  staff: StaffMeDto | undefined;
  can: (permission: Permission) => boolean;
  /** Signs in and loads the account; throws the API's error (STAFF_CREDENTIALS_INVALID…). */
  signIn: (username: string, password: string) => Promise<StaffMeDto>;
  signOut: () => Promise<void>;
  /** Loads the account again after a failure to reach the server. */
  retry: () => void;
  purpose: Purpose | null;
  setPurpose: (purpose: Purpose | null) => void;
}

const PURPOSE_KEY = 'motcua.purpose';

function storedPurpose(): Purpose | null {
  try {
    const raw = sessionStorage.getItem(PURPOSE_KEY);
    const p: unknown = raw ? JSON.parse(raw) : null;
    return p && typeof p === 'object' && typeof (p as Purpose).code === 'string' ? (p as Purpose) : null;
  } catch {
    return null;
  }
}

function storePurpose(p: Purpose | null): void {
  try {
    if (p) sessionStorage.setItem(PURPOSE_KEY, JSON.stringify(p));
    else sessionStorage.removeItem(PURPOSE_KEY);
  } catch {
    // Not kept: the officer is asked again after a reload.
  }
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const [state, setState] = useState<SessionState>(() => (api.sessionToken() ? { status: 'loading' } : { status: 'anonymous', expired: false }));
  const [purpose, setPurposeState] = useState<Purpose | null>(storedPurpose);
  const [attempt, setAttempt] = useState(0);

  const setPurpose = useCallback((p: Purpose | null) => {
    storePurpose(p);
    setPurposeState(p);
  }, []);

  // A stored token: whose is it, and is it still good?
  useEffect(() => {
    if (!api.sessionToken()) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    api.getMe({ lang, signal: controller.signal }).then(
      (staff) => setState({ status: 'signedIn', staff }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // A 401 has already dispatched SESSION_EXPIRED.
        if (!(error instanceof api.ApiError && error.problem.status === 401)) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
    // Only at start and on retry; the language of a problem detail does not matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);

  useEffect(() => {
    const onExpired = () => {
      setPurpose(null);
      setState({ status: 'anonymous', expired: true });
    };
    window.addEventListener(api.SESSION_EXPIRED, onExpired);
    return () => window.removeEventListener(api.SESSION_EXPIRED, onExpired);
  }, [setPurpose]);

  const session = useMemo<Session>(() => {
    const staff = state.status === 'signedIn' ? state.staff : undefined;
    return {
      state,
      staff,
      can: (permission) => staff?.permissions.includes(permission) ?? false,
      signIn: async (username, password) => {
        const created = await api.signIn(username, password, { lang });
        api.storeSessionToken(created.token);
        try {
          const me = await api.getMe({ lang });
          setPurpose(null);
          setState({ status: 'signedIn', staff: me });
          return me;
        } catch (err) {
          api.storeSessionToken(null);
          throw err;
        }
      },
      signOut: async () => {
        try {
          await api.signOut({ lang });
        } catch {
          // The token is forgotten here anyway; the server lets it expire.
        }
        api.storeSessionToken(null);
        setPurpose(null);
        setState({ status: 'anonymous', expired: false });
      },
      retry: () => setAttempt((n) => n + 1),
      purpose,
      setPurpose,
    };
  }, [state, purpose, lang, setPurpose]);

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
