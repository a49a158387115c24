/**
 * The public-services and dossier pages and their menu entries, for the application shell:
 * - `/services` the catalog, `/services/{code}` a procedure, `/services/{code}/file` filing (public);
 * - `/services/deployments` deployment per unit and the receiving agency (`services.manage`);
 * - `/dossiers` the work queue (`dossier.process`), `/dossiers/{code}` one dossier (staff in reach,
 *   or the citizen whose dossier it is);
 * - `/ho-so-cua-toi` "my dossiers" of a citizen signed in with their e-ID account;
 * - `/tra-cuu[/{code}]` public tracking (the QR code on the forms points here).
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { Spin, type MenuProps } from 'antd';
import type { MessageKey, Translate } from '../../i18n.js';
import { Link } from '../../router.js';
import type { Permission } from '../../session.js';

// Each page is its own chunk, loaded when first opened (a citizen tracking a dossier on a phone
// does not download the officer's pages).
const ServicesPage = lazy(() => import('./ServicesPage.js').then((m) => ({ default: m.ServicesPage })));
const ServicePage = lazy(() => import('./ServicePage.js').then((m) => ({ default: m.ServicePage })));
const DeploymentsPage = lazy(() => import('./DeploymentsPage.js').then((m) => ({ default: m.DeploymentsPage })));
const FilingPage = lazy(() => import('../dossiers/FilingPage.js').then((m) => ({ default: m.FilingPage })));
const QueuePage = lazy(() => import('../dossiers/QueuePage.js').then((m) => ({ default: m.QueuePage })));
const DossierPage = lazy(() => import('../dossiers/DossierPage.js').then((m) => ({ default: m.DossierPage })));
const TrackingPage = lazy(() => import('../dossiers/TrackingPage.js').then((m) => ({ default: m.TrackingPage })));
const MyDossiersPage = lazy(() => import('../dossiers/MyDossiersPage.js').then((m) => ({ default: m.MyDossiersPage })));

const loading = (
  <div className="page-loading" role="status">
    <Spin />
  </div>
);
const page = (node: ReactNode) => <Suspense fallback={loading}>{node}</Suspense>;

const SERVICE_CODE = '((?:[0-9]\\.[0-9]{6})|(?:P\\.[0-9]{6}))';
const SERVICE = new RegExp(`^/services/${SERVICE_CODE}$`);
const FILING = new RegExp(`^/services/${SERVICE_CODE}/file$`);
const DOSSIER = /^\/dossiers\/([A-Za-z0-9.]{1,80}-[0-9]{6}-[0-9]{4,7})$/;
const TRACKING = /^\/tra-cuu(?:\/([^/]{1,100}))?\/?$/;

type Page = { key: string; title: MessageKey; page: ReactNode };

/** The page of a path among the services and dossier pages, with its menu key and title; undefined for any other path. */
export function servicesPageOf(pathname: string): Page | undefined {
  if (pathname === '/services') return { key: 'services', title: 'services.title', page: page(<ServicesPage />) };
  if (pathname === '/services/deployments') return { key: 'service-deployments', title: 'deploy.title', page: page(<DeploymentsPage />) };
  let m = SERVICE.exec(pathname);
  if (m) return { key: 'services', title: 'service.title', page: page(<ServicePage key={m[1]} code={m[1]!} />) };
  m = FILING.exec(pathname);
  if (m) return { key: 'services', title: 'filing.title', page: page(<FilingPage key={m[1]} code={m[1]!} />) };
  if (pathname === '/dossiers') return { key: 'dossiers', title: 'queue.title', page: page(<QueuePage />) };
  if (pathname === '/ho-so-cua-toi') return { key: 'my-dossiers', title: 'mine.title', page: page(<MyDossiersPage />) };
  m = DOSSIER.exec(pathname);
  if (m) return { key: 'dossiers', title: 'dossier.pageTitle', page: page(<DossierPage key={m[1]} code={m[1]!} />) };
  m = TRACKING.exec(pathname);
  if (m) {
    let code: string | undefined;
    try {
      code = m[1] ? decodeURIComponent(m[1]) : undefined;
    } catch {
      code = m[1];
    }
    return { key: 'tracking', title: 'tracking.title', page: page(<TrackingPage key={code ?? ''} code={code} />) };
  }
  return undefined;
}

/**
 * The menu group of public services: the catalog and tracking for everyone, "my dossiers" for a
 * citizen signed in with their e-ID account (`citizenSignedIn`), the rest by permission.
 */
export function servicesMenuItems(t: Translate, can: (p: Permission) => boolean, citizenSignedIn = false): NonNullable<MenuProps['items']> {
  const entries = [
    { key: 'services', label: <Link href="/services">{t('nav.services.catalog')}</Link> },
    ...(citizenSignedIn ? [{ key: 'my-dossiers', label: <Link href="/ho-so-cua-toi">{t('nav.dossiers.mine')}</Link> }] : []),
    ...(can('dossier.process') ? [{ key: 'dossiers', label: <Link href="/dossiers">{t('nav.dossiers.queue')}</Link> }] : []),
    { key: 'tracking', label: <Link href="/tra-cuu">{t('nav.dossiers.track')}</Link> },
    ...(can('services.manage') ? [{ key: 'service-deployments', label: <Link href="/services/deployments">{t('nav.services.deployments')}</Link> }] : []),
  ];
  return [{ type: 'group' as const, key: 'public-services', label: t('nav.services'), children: entries }];
}
