/**
 * The staff session of this tab: the bearer token (in `sessionStorage`, so it ends with the tab),
 * the signed-in account with its permissions (`GET /staff/me`), and the purpose the officer stated
 * for this session's lookups of personal data.
 *
 * Beside it, `session.citizen`: a citizen signed in with their e-ID account (`POST /eid/sessions`,
 * token in `sessionStorage` too, account from `GET /eid/me`). Calls in the citizen's name pass
 * `auth: 'citizen'` (web/src/api.ts); the two sessions never mix.
 *
 * The citizen's tabs follow each other: a sign-in, a sign-out or an ended session in one tab is
 * told to the browser's other tabs of the app (BroadcastChannel {@link CITIZEN_CHANNEL}), which
 * take the new token (ending the session they had, if another) or forget theirs, so that a tab
 * never goes on showing someone signed in who signed out in another (or the reverse).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import * as api from './api.js';
import type { CitizenMeDto, Purpose, StaffMeDto, StaffSessionDto, StaffTotpEnrolmentDto } from './api.js';
import { useI18n } from './i18n.js';

export type Permission = 'citizen.read' | 'citizen.write' | 'citizen.import' | 'citizen.access-log' | 'staff.manage' | 'units.manage' | 'reports.read' | 'desk.manage' | 'desk.help-log' | 'services.manage' | 'dossier.intake' | 'dossier.process' | 'eid.collect' | 'eid.decide' | 'eid.manage' | 'sso.manage';

export type SessionState =
  | { status: 'loading' }
  /** `expired`: the server ended the session (not the officer). */
  | { status: 'anonymous'; expired: boolean }
  | { status: 'error'; error: unknown }
  | { status: 'signedIn'; staff: StaffMeDto };

/** The citizen's e-ID session: like {@link SessionState}, with the e-ID account. */
export type CitizenSessionState =
  | { status: 'loading' }
  /** `expired`: the server ended the session (signed in elsewhere, locked, timed out). */
  | { status: 'anonymous'; expired: boolean }
  | { status: 'error'; error: unknown }
  | { status: 'signedIn'; account: CitizenMeDto };

export interface CitizenSession {
  state: CitizenSessionState;
  account: CitizenMeDto | undefined;
  /**
   * Signs in with the identification number and password (and the authenticator code when the
   * account has two-factor on), then loads the account; throws the API's error
   * (EID_CREDENTIALS_INVALID, EID_OTP_REQUIRED, EID_OTP_INVALID, EID_ACCOUNT_LOCKED, RATE_LIMITED…).
   */
  signIn: (pin: string, password: string, otp?: string) => Promise<CitizenMeDto>;
  /**
   * Takes the session a sign-in through the single sign-on opened (`/eid/signed-in#handoff=CODE`,
   * src/portal), then loads the account; throws PORTAL_HANDOFF_INVALID.
   */
  adopt: (handoffCode: string) => Promise<CitizenMeDto>;
  /**
   * Ends the session on the server (best effort) and here; after a single sign-on the browser then
   * goes to the provider, which asks whether to sign out of it too and comes back to `/eid/sign-in`
   * — unless `provider` is false (the account was just locked: the provider refuses it anyway).
   */
  signOut: (options?: { provider?: boolean }) => Promise<void>;
  /** Loads the account again (after a change: two-factor, lock) or after a failure to reach the server. */
  reload: () => void;
}

export interface Session {
  state: SessionState;
  staff: StaffMeDto | undefined;
  can: (permission: Permission) => boolean;
  /**
   * Signs in (with the authenticator code when the account has a second factor) and loads the
   * account, or answers the enrolment of a second factor to confirm first with
   * {@link Session.confirmTotpEnrolment}; throws the API's error (STAFF_CREDENTIALS_INVALID,
   * STAFF_OTP_REQUIRED, STAFF_OTP_INVALID, RATE_LIMITED…).
   */
  signIn: (username: string, password: string, otp?: string) => Promise<{ staff: StaffMeDto } | { enrolment: StaffTotpEnrolmentDto }>;
  /** Confirms a second-factor enrolment with a code, then as signIn; throws STAFF_OTP_INVALID, STAFF_TOTP_ENROLMENT_EXPIRED… */
  confirmTotpEnrolment: (token: string, otp: string) => Promise<StaffMeDto>;
  signOut: () => Promise<void>;
  /** Loads the account again after a failure to reach the server. */
  retry: () => void;
  purpose: Purpose | null;
  setPurpose: (purpose: Purpose | null) => void;
  /** The citizen signed in with their e-ID account in this tab, independent of the staff session. */
  citizen: CitizenSession;
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

  const session = useMemo<Omit<Session, 'citizen'>>(() => {
    const staff = state.status === 'signedIn' ? state.staff : undefined;
    /** Keeps a new session's token and loads its account. */
    const begin = async (created: StaffSessionDto): Promise<StaffMeDto> => {
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
    };
    return {
      state,
      staff,
      can: (permission) => staff?.permissions.includes(permission) ?? false,
      signIn: async (username, password, otp) => {
        const answer = await api.signIn({ username, password, ...(otp ? { otp } : {}) }, { lang });
        if ('enrolment' in answer) return { enrolment: answer.enrolment };
        return { staff: await begin(answer) };
      },
      confirmTotpEnrolment: async (token, otp) => begin(await api.confirmStaffTotpEnrolment(token, otp, { lang })),
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

  const citizen = useCitizenSession();
  const value = useMemo<Session>(() => ({ ...session, citizen }), [session, citizen]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The channel on which the app's tabs tell each other about the citizen's session. */
export const CITIZEN_CHANNEL = 'motcua.citizen-session';

/** What one tab tells the others: a new session (its token), or the end of one (`expired`: the server ended it). */
type CitizenTabMessage = { kind: 'signed-in'; token: string; signOutUrl: string | null } | { kind: 'signed-out'; token: string | null; expired: boolean };

function openCitizenChannel(): BroadcastChannel | undefined {
  try {
    return typeof BroadcastChannel === 'function' ? new BroadcastChannel(CITIZEN_CHANNEL) : undefined;
  } catch {
    return undefined;
  }
}

/** The citizen's e-ID session of this tab (see {@link CitizenSession}). */
function useCitizenSession(): CitizenSession {
  const { lang } = useI18n();
  const [state, setState] = useState<CitizenSessionState>(() => (api.citizenToken() ? { status: 'loading' } : { status: 'anonymous', expired: false }));
  const [attempt, setAttempt] = useState(0);
  const channel = useRef<BroadcastChannel | undefined>(undefined);
  /** This tab's token as last known (api.ts forgets it before CITIZEN_SESSION_EXPIRED is dispatched). */
  const known = useRef(api.citizenToken());
  const tell = (message: CitizenTabMessage) => {
    try {
      channel.current?.postMessage(message);
    } catch {
      // The channel closed meanwhile: the other tabs learn at their next call.
    }
  };

  // A stored token: is it still good? Again on reload().
  useEffect(() => {
    if (!api.citizenToken()) return;
    const controller = new AbortController();
    setState((s) => (s.status === 'signedIn' ? s : { status: 'loading' }));
    api.getCitizenMe({ lang, signal: controller.signal }).then(
      (account) => setState({ status: 'signedIn', account }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // UNAUTHENTICATED has already dispatched CITIZEN_SESSION_EXPIRED.
        if (!(error instanceof api.ApiError && error.problem.code === 'UNAUTHENTICATED')) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
    // Only at start and on reload; the language of a problem detail does not matter here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);

  useEffect(() => {
    const onExpired = () => {
      tell({ kind: 'signed-out', token: known.current ?? null, expired: true });
      known.current = undefined;
      setState({ status: 'anonymous', expired: true });
    };
    window.addEventListener(api.CITIZEN_SESSION_EXPIRED, onExpired);
    return () => window.removeEventListener(api.CITIZEN_SESSION_EXPIRED, onExpired);
  }, []);

  // What the other tabs say.
  useEffect(() => {
    const ch = openCitizenChannel();
    channel.current = ch;
    if (!ch) return;
    ch.onmessage = (event: MessageEvent<CitizenTabMessage>) => {
      const m = event.data;
      const mine = api.citizenToken();
      if (m.kind === 'signed-in') {
        if (m.token === mine) return;
        // This tab's own session (someone else's, or the same citizen's earlier one) ends: one session for the browser.
        if (mine) void api.endCitizenSession(mine, { lang }).catch(() => undefined);
        api.storeCitizenToken(m.token);
        api.storeCitizenSignOutUrl(m.signOutUrl);
        known.current = m.token;
        setAttempt((n) => n + 1);
      } else if (m.kind === 'signed-out') {
        // An ended session concerns this tab only if it is this tab's; a sign-out is the citizen's will for every tab.
        if (m.expired && m.token !== mine) return;
        if (mine && m.token !== mine) void api.endCitizenSession(mine, { lang }).catch(() => undefined);
        api.storeCitizenToken(null);
        api.storeCitizenSignOutUrl(null);
        known.current = undefined;
        setState({ status: 'anonymous', expired: m.expired });
      }
    };
    return () => {
      ch.close();
      channel.current = undefined;
    };
  }, [lang]);

  return useMemo<CitizenSession>(() => {
    /** Keeps a new session's token and loads its account. */
    const begin = async (token: string): Promise<CitizenMeDto> => {
      api.storeCitizenToken(token);
      try {
        const account = await api.getCitizenMe({ lang });
        known.current = token;
        setState({ status: 'signedIn', account });
        tell({ kind: 'signed-in', token, signOutUrl: api.citizenSignOutUrl() ?? null });
        return account;
      } catch (err) {
        api.storeCitizenToken(null);
        throw err;
      }
    };
    return {
      state,
      account: state.status === 'signedIn' ? state.account : undefined,
      signIn: async (pin, password, otp) => {
        const created = await api.citizenSignIn({ pin, password, ...(otp ? { otp } : {}) }, { lang });
        api.storeCitizenSignOutUrl(null);
        return begin(created.token);
      },
      adopt: async (code) => {
        const handoff = await api.claimPortalHandoff(code, { lang });
        // A session of this tab from before (perhaps someone else's) ends first.
        if (api.citizenToken()) await api.citizenSignOut({ lang }).catch(() => undefined);
        api.storeCitizenSignOutUrl(handoff.signOutUrl);
        return begin(handoff.token);
      },
      signOut: async (options) => {
        try {
          await api.citizenSignOut({ lang });
        } catch {
          // Forgotten here anyway; the server lets the session expire.
        }
        const provider = api.citizenSignOutUrl();
        const token = api.citizenToken() ?? known.current ?? null;
        api.storeCitizenToken(null);
        api.storeCitizenSignOutUrl(null);
        known.current = undefined;
        setState({ status: 'anonymous', expired: false });
        tell({ kind: 'signed-out', token, expired: false });
        if (provider && options?.provider !== false) window.location.assign(provider);
      },
      reload: () => setAttempt((n) => n + 1),
    };
  }, [state, lang]);
}
