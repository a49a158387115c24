import { useEffect, type ReactNode } from 'react';
import { useI18n } from '../i18n.js';
import { currentHref, hrefOf, redirect } from '../router.js';
import { useSession } from '../session.js';
import { PageLoading } from './PageLoading.js';
import { ProblemAlert } from './ProblemAlert.js';

/**
 * A page for a citizen signed in with their e-ID account (`session.citizen`): sends anyone else to
 * the citizen sign-in page (`/eid/sign-in?next=`, and back afterwards). Pages that act in the
 * citizen's name (their account, filing a dossier online) wrap themselves in it and call the API
 * with `auth: 'citizen'`.
 */
export function RequireCitizen({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { citizen } = useSession();
  const { state } = citizen;

  useEffect(() => {
    if (state.status === 'anonymous') redirect(hrefOf('/eid/sign-in', { next: currentHref() }));
  }, [state.status]);

  if (state.status === 'loading' || state.status === 'anonymous') {
    return <PageLoading label={t('session.loading')} />;
  }
  if (state.status === 'error') return <ProblemAlert error={state.error} onRetry={citizen.reload} />;
  return <>{children}</>;
}
