/**
 * Where a sign-in through the single sign-on comes back (`/eid/signed-in?next=…#handoff=CODE`,
 * from `GET /api/v1/portal/sign-in/callback`): the code is taken out of the address at once (so it
 * stays in no history entry), claimed once for the e-ID session, and the citizen goes on to `next`.
 * A code already used or older than two minutes says so, with a way to sign in again.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Spin } from 'antd';
import { useI18n } from '../../i18n.js';
import { hrefOf, redirect, safeNext, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { FormProblem, LinkButton, PageHead } from './common.js';

export function SignedInPage() {
  const { t } = useI18n();
  const { citizen } = useSession();
  const { search } = useLocation();
  const next = safeNext(search.get('next'), '/eid/account');
  const [error, setError] = useState<unknown>();
  const claimed = useRef(false);

  useEffect(() => {
    if (claimed.current) return;
    claimed.current = true;
    const code = /(?:^#|&)handoff=([\w-]+)/.exec(window.location.hash)?.[1];
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    if (!code) {
      setError('missing');
      return;
    }
    citizen.adopt(code).then(() => redirect(next), setError);
    // Once, on arrival.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="eid-narrow">
      <PageHead title={error === undefined ? 'eid.signedIn.title' : 'eid.signedIn.failed'} />
      <Card>
        {error === undefined ? (
          <div className="eid-waiting" role="status">
            <Spin size="large" />
          </div>
        ) : (
          <>
            {error === 'missing' ? <Alert type="error" showIcon title={t('eid.signedIn.missing')} /> : <FormProblem error={error} />}
            <div className="eid-actions">
              <LinkButton href={hrefOf('/eid/sign-in', { next })} type="primary">
                {t('eid.signedIn.again')}
              </LinkButton>
            </div>
          </>
        )}
      </Card>
    </div>
  );
}
