/**
 * The dashboard page (`/reports`) and its menu entry, for the application shell. The page is its
 * own chunk, loaded when first opened: ECharts and the dashboard code never reach a citizen's
 * phone that only uses the public pages.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import type { MenuProps } from 'antd';
import { useI18n, type MessageKey, type Translate } from '../../i18n.js';
import { Link } from '../../router.js';
import type { Permission } from '../../session.js';
import { PageLoading } from '../../components/PageLoading.js';

const DashboardPage = lazy(() => import('./DashboardPage.js').then((m) => ({ default: m.DashboardPage })));

function Loading() {
  const { t } = useI18n();
  return <PageLoading label={t('reports.loading')} />;
}

/** The reports page of a path, with its menu key and title; undefined for any other path. */
export function reportsPageOf(pathname: string): { key: string; title: MessageKey; page: ReactNode } | undefined {
  if (pathname !== '/reports') return undefined;
  return {
    key: 'reports',
    title: 'reports.title',
    page: (
      <Suspense fallback={<Loading />}>
        <DashboardPage />
      </Suspense>
    ),
  };
}

/** The dashboard's menu entry for officers with `reports.read`. */
export function reportsMenuItems(t: Translate, can: (p: Permission) => boolean): NonNullable<MenuProps['items']> {
  return can('reports.read') ? [{ key: 'reports', label: <Link href="/reports">{t('reports.nav')}</Link> }] : [];
}
