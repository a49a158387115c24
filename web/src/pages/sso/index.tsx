/**
 * The single sign-on pages and their menu entry, for the application shell:
 * - `/sso/portals` the registry of connected portals (OpenID Connect clients), for administrators
 *   (`sso.manage`), under the "Administration" menu group;
 * - `/eid/account/sharing` the data a citizen signed in with their e-ID account agreed to share
 *   with which portal, until when, each consent revocable; linked from their account page, whose
 *   menu entry it keeps selected.
 *
 * Each page is its own chunk, loaded when first opened.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { ConfigProvider, type MenuProps, type ThemeConfig } from 'antd';
import { useI18n, type MessageKey, type Translate } from '../../i18n.js';
import { Link } from '../../router.js';
import type { Permission } from '../../session.js';
import { PageLoading } from '../../components/PageLoading.js';

const PortalsPage = lazy(() => import('./PortalsPage.js').then((m) => ({ default: m.PortalsPage })));
const ConsentsPage = lazy(() => import('./ConsentsPage.js').then((m) => ({ default: m.ConsentsPage })));

export const PORTALS_PATH = '/sso/portals';
export const CONSENTS_PATH = '/eid/account/sharing';

function Loading() {
  const { t } = useI18n();
  return <PageLoading label={t('eid.loading')} />;
}

/**
 * Ant Design's red (#ff4d4f) is 3.3:1 on white: errors and danger buttons use a darker one (5.6:1),
 * as the e-ID pages do, and so do their hovered and pressed shades (Ant Design would derive lighter
 * ones, 4.1:1, while a confirmation bubble keeps its button hovered).
 */
const SSO_THEME: ThemeConfig = { token: { colorError: '#c62828', colorErrorHover: '#a61f1f', colorErrorActive: '#8c1a1a', colorErrorTextHover: '#a61f1f', colorErrorTextActive: '#8c1a1a', colorErrorBorderHover: '#a61f1f' } };

const page = (node: ReactNode) => (
  <ConfigProvider theme={SSO_THEME}>
    <Suspense fallback={<Loading />}>{node}</Suspense>
  </ConfigProvider>
);

/** The single sign-on page of a path, with its menu key and title; undefined for any other path. */
export function ssoPageOf(pathname: string): { key: string; title: MessageKey; page: ReactNode } | undefined {
  if (pathname === PORTALS_PATH) return { key: 'sso-portals', title: 'sso.portals.title', page: page(<PortalsPage />) };
  if (pathname === CONSENTS_PATH) return { key: 'eid-account', title: 'sso.consents.title', page: page(<ConsentsPage />) };
  return undefined;
}

/** The "Administration" menu group with the registry of portals, for officers with `sso.manage` (administrators); none otherwise. */
export function ssoMenuItems(t: Translate, can: (p: Permission) => boolean): NonNullable<MenuProps['items']> {
  if (!can('sso.manage')) return [];
  return [{ type: 'group' as const, key: 'admin', label: t('nav.admin'), children: [{ key: 'sso-portals', label: <Link href={PORTALS_PATH}>{t('nav.sso.portals')}</Link> }] }];
}
