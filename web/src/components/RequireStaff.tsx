import { useEffect, type ReactNode } from 'react';
import { Result } from 'antd';
import { useI18n } from '../i18n.js';
import { currentHref, hrefOf, redirect } from '../router.js';
import { useSession, type Permission } from '../session.js';
import { PageLoading } from './PageLoading.js';
import { ProblemAlert } from './ProblemAlert.js';

/**
 * A page for signed-in staff with a permission: sends anyone else to the sign-in page (and back
 * afterwards), and tells a signed-in officer without the permission that they may not see it.
 */
export function RequireStaff({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { t } = useI18n();
  const session = useSession();
  const { state } = session;

  useEffect(() => {
    if (state.status === 'anonymous') redirect(hrefOf('/sign-in', { next: currentHref() }));
  }, [state.status]);

  if (state.status === 'loading' || state.status === 'anonymous') {
    return <PageLoading label={t('session.loading')} />;
  }
  if (state.status === 'error') return <ProblemAlert error={state.error} onRetry={session.retry} />;
  if (!session.can(permission)) {
    return (
      <Result
        status="403"
        title={<h1 className="result-title">{t('forbidden.title')}</h1>}
        subTitle={t('forbidden.text', { role: t(`role.${state.staff.role}`) })}
      />
    );
  }
  return <>{children}</>;
}
