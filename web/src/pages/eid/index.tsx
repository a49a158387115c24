/**
 * The e-ID pages (`/eid/…`) and their menu entries, for the application shell. Citizens: apply for
 * a level-1 account, activate it (the address the approval SMS gives), sign in, their account.
 * Police: the queue of applications and each application (`eid.decide`), the in-person level-2
 * collection (`eid.collect`), account management (`eid.manage`).
 *
 * Each page is its own chunk, loaded when first opened: a citizen on a cheap phone downloads the
 * page they use, not the police pages (nor the others' pages the e-ID ones they do not).
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { ConfigProvider, type MenuProps, type ThemeConfig } from 'antd';
import { useI18n, type MessageKey, type Translate } from '../../i18n.js';
import { Link } from '../../router.js';
import type { Permission, Session } from '../../session.js';
import { PageLoading } from '../../components/PageLoading.js';

const ApplyPage = lazy(() => import('./ApplyPage.js').then((m) => ({ default: m.ApplyPage })));
const ActivatePage = lazy(() => import('./ActivatePage.js').then((m) => ({ default: m.ActivatePage })));
const CitizenSignInPage = lazy(() => import('./CitizenSignInPage.js').then((m) => ({ default: m.CitizenSignInPage })));
const SignedInPage = lazy(() => import('./SignedInPage.js').then((m) => ({ default: m.SignedInPage })));
const AccountPage = lazy(() => import('./AccountPage.js').then((m) => ({ default: m.AccountPage })));
const QueuePage = lazy(() => import('./QueuePage.js').then((m) => ({ default: m.QueuePage })));
const ApplicationPage = lazy(() => import('./ApplicationPage.js').then((m) => ({ default: m.ApplicationPage })));
const CollectPage = lazy(() => import('./CollectPage.js').then((m) => ({ default: m.CollectPage })));
const AccountsPage = lazy(() => import('./AccountsPage.js').then((m) => ({ default: m.AccountsPage })));

function Loading() {
  const { t } = useI18n();
  return <PageLoading label={t('eid.loading')} />;
}

/**
 * Ant Design's red (#ff4d4f) is 3.3:1 on white: field errors and danger buttons of these pages use
 * a darker one (5.6:1, WCAG 1.4.3); the rest of the theme is the shell's.
 */
const EID_THEME: ThemeConfig = { token: { colorError: '#c62828' } };

const page = (node: ReactNode) => (
  <ConfigProvider theme={EID_THEME}>
    <Suspense fallback={<Loading />}>{node}</Suspense>
  </ConfigProvider>
);

interface EidRoute {
  path: string;
  key: string;
  title: MessageKey;
  page: () => ReactNode;
}

const ROUTES: EidRoute[] = [
  { path: '/eid/apply', key: 'eid-apply', title: 'eid.apply.title', page: () => <ApplyPage /> },
  { path: '/eid/activate', key: 'eid-activate', title: 'eid.activate.title', page: () => <ActivatePage /> },
  { path: '/eid/sign-in', key: 'eid-sign-in', title: 'eid.signIn.title', page: () => <CitizenSignInPage /> },
  { path: '/eid/signed-in', key: 'eid-sign-in', title: 'eid.signedIn.title', page: () => <SignedInPage /> },
  { path: '/eid/account', key: 'eid-account', title: 'eid.account.title', page: () => <AccountPage /> },
  { path: '/eid/applications', key: 'eid-queue', title: 'eid.queue.title', page: () => <QueuePage /> },
  { path: '/eid/collect', key: 'eid-collect', title: 'eid.collect.title', page: () => <CollectPage /> },
  { path: '/eid/accounts', key: 'eid-accounts', title: 'eid.accounts.title', page: () => <AccountsPage /> },
];

const APPLICATION = /^\/eid\/applications\/([1-9][0-9]{0,15})$/;

/** The e-ID page of a path, with its menu key and title; undefined for any other path. */
export function eidPageOf(pathname: string): { key: string; title: MessageKey; page: ReactNode } | undefined {
  const route = ROUTES.find((r) => r.path === pathname);
  if (route) return { key: route.key, title: route.title, page: page(route.page()) };
  const app = APPLICATION.exec(pathname);
  if (app) return { key: 'eid-queue', title: 'eid.app.title', page: page(<ApplicationPage key={app[1]} id={Number(app[1])} />) };
  return undefined;
}

const POLICE: { path: string; key: string; nav: MessageKey; permission: Permission }[] = [
  { path: '/eid/applications', key: 'eid-queue', nav: 'eid.nav.queue', permission: 'eid.decide' },
  { path: '/eid/collect', key: 'eid-collect', nav: 'eid.nav.collect', permission: 'eid.collect' },
  { path: '/eid/accounts', key: 'eid-accounts', nav: 'eid.nav.accounts', permission: 'eid.manage' },
];

/**
 * The menu groups: the police entries the officer may use; the citizen's entries (apply, activate,
 * sign in — or their account once signed in) for anyone not signed in as staff.
 */
export function eidMenuItems(t: Translate, session: Pick<Session, 'can' | 'staff' | 'citizen'>): NonNullable<MenuProps['items']> {
  const items: NonNullable<MenuProps['items']> = [];
  const police = POLICE.filter((r) => session.can(r.permission)).map((r) => ({ key: r.key, label: <Link href={r.path}>{t(r.nav)}</Link> }));
  if (police.length > 0) items.push({ type: 'group' as const, key: 'eid-police', label: t('eid.nav.police'), children: police });
  if (!session.staff || session.citizen.account) {
    const citizen = session.citizen.account
      ? [{ key: 'eid-account', label: <Link href="/eid/account">{t('eid.nav.account')}</Link> }]
      : [
          { key: 'eid-sign-in', label: <Link href="/eid/sign-in">{t('eid.nav.signIn')}</Link> },
          { key: 'eid-apply', label: <Link href="/eid/apply">{t('eid.nav.apply')}</Link> },
          { key: 'eid-activate', label: <Link href="/eid/activate">{t('eid.nav.activate')}</Link> },
        ];
    items.push({ type: 'group' as const, key: 'eid-citizen', label: t('eid.nav.citizen'), children: citizen });
  }
  return items;
}

/** The signed-in citizen in the header (wide screens): their name, linking to their account. */
export function CitizenHeaderLink({ name }: { name: string }) {
  const { t } = useI18n();
  return (
    <Link href="/eid/account" className="header-link eid-header-link" aria-label={t('eid.nav.accountOf', { name })}>
      {name}
    </Link>
  );
}
