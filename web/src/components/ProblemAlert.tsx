import type { ReactNode } from 'react';
import { Alert, Button } from 'antd';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n.js';

/**
 * An error of the API in the UI language: the problem's `detail` (and its field errors) when the
 * server answered, a message of our own when it could not be reached. `children` add context.
 */
export function ProblemAlert({ error, onRetry, children }: { error: unknown; onRetry?: () => void; children?: ReactNode }) {
  const { t } = useI18n();
  const problem = error instanceof ApiError ? error.problem : undefined;
  const clientError = problem !== undefined && problem.status >= 400 && problem.status < 500;
  const fieldErrors = problem?.errors ?? [];
  const details = (
    <>
      {!problem && <p className="alert-text">{t('error.network')}</p>}
      {fieldErrors.length > 0 && (
        <ul className="plain-list">
          {fieldErrors.map((e) => (
            <li key={`${e.field}:${e.code}`}>{e.detail}</li>
          ))}
        </ul>
      )}
      {children}
    </>
  );
  const hasDetails = !problem || fieldErrors.length > 0 || Boolean(children);
  return (
    <Alert
      type={problem?.status === 404 ? 'warning' : 'error'}
      showIcon
      title={problem ? problem.detail : t('error.title')}
      description={hasDetails ? details : undefined}
      action={
        onRetry && !clientError ? (
          <Button size="small" onClick={onRetry}>
            {t('error.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
