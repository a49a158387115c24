/**
 * "Data I agreed to share" (`/eid/account/sharing`), for a citizen signed in with their e-ID
 * account: each live consent to a portal (`GET /api/v1/sso/consents`) with the portal's name and
 * logo, its stated purpose, the registry fields it receives — by their names, as the consent page
 * showed them (the API labels them from src/sso/scopes.ts) — when it was given and until when it
 * lasts; each can be withdrawn after a confirmation (`DELETE /api/v1/sso/consents/{id}`: the
 * portal's grants and tokens end at once). Built for a phone first, in the e-ID pages' style.
 */
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Pagination, Popconfirm } from 'antd';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireCitizen } from '../../components/RequireCitizen.js';
import { useI18n } from '../../i18n.js';
import { Link } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { formatMoment, PageHead } from '../eid/common.js';
import { myConsents, revokeConsent, type Consent } from './api.js';
import './sso.css';

export function ConsentsPage() {
  return (
    <RequireCitizen>
      <Consents />
    </RequireCitizen>
  );
}

const PAGE_SIZE = 20;

function Consents() {
  const { t, lang } = useI18n();
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const remote = useRemote(`sso-consents:${page}:${version}`, (signal) => myConsents({ page, pageSize: PAGE_SIZE }, { lang, signal }));
  const items = remote.data?.items ?? [];

  const revoke = async (c: Consent) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await revokeConsent(c.id, { lang });
      setNotice(t('sso.consents.revoked', { name: c.client.name }));
      if (items.length === 1 && page > 1) setPage(page - 1);
      setVersion((n) => n + 1);
    } catch (err) {
      setError(err);
      setVersion((n) => n + 1);
    }
  };

  return (
    <div className="eid-page sso-consents">
      <PageHead title="sso.consents.title" intro={t('sso.consents.intro')} />
      <p className="sso-back">
        <Link href="/eid/account">← {t('sso.consents.back')}</Link>
      </p>
      <div role="status">{notice && <Alert type="success" showIcon title={notice} />}</div>
      {error !== undefined && <ProblemAlert error={error} />}
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {remote.loading && !remote.data && <p className="muted">{t('eid.loading')}</p>}
      {remote.data && items.length === 0 && <p className="empty sso-empty">{t('sso.consents.empty')}</p>}
      <ul className="plain-list sso-consent-list" aria-label={t('sso.consents.total', { total: remote.data?.total ?? 0 })}>
        {items.map((c) => (
          <li key={c.id}>
            <ConsentCard consent={c} onRevoke={() => revoke(c)} />
          </li>
        ))}
      </ul>
      {remote.data && remote.data.total > PAGE_SIZE && <Pagination simple current={page} pageSize={PAGE_SIZE} total={remote.data.total} onChange={setPage} className="eid-pagination" />}
    </div>
  );
}

function ConsentCard({ consent: c, onRevoke }: { consent: Consent; onRevoke: () => Promise<void> }) {
  const { t, lang } = useI18n();
  const fields = c.fields[lang];
  const purpose = lang === 'en' && c.client.purposeEn ? c.client.purposeEn : c.client.purpose;
  const headingId = `sso-consent-${c.id}`;
  return (
    <Card
      className="eid-card sso-consent"
      title={
        <div className="sso-portal">
          <PortalLogo name={c.client.name} logoUri={c.client.logoUri} />
          <h2 id={headingId} className="card-heading">
            {c.client.name}
          </h2>
        </div>
      }
    >
      <Descriptions column={1} size="small" layout="vertical" colon={false} className="eid-descriptions sso-descriptions">
        <Descriptions.Item label={t('sso.consents.purpose')}>
          <span lang={lang === 'en' && !c.client.purposeEn ? 'vi' : undefined}>{purpose}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('sso.consents.fields')}>
          {fields.length > 0 ? (
            <ul className="sso-fields">
              {fields.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          ) : (
            t('sso.consents.noFields')
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('sso.consents.grantedAt')}>{formatMoment(c.grantedAt, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('sso.consents.expiresAt')}>
          <strong className="sso-expires">{formatMoment(c.expiresAt, lang)}</strong>
        </Descriptions.Item>
      </Descriptions>
      <Popconfirm title={t('sso.consents.revokeConfirm', { name: c.client.name })} okText={t('sso.consents.revoke')} okButtonProps={{ danger: true }} cancelText={t('sso.no')} onConfirm={onRevoke}>
        <Button danger size="large" className="sso-revoke" aria-label={t('sso.consents.revokeOf', { name: c.client.name })}>
          {t('sso.consents.revoke')}
        </Button>
      </Popconfirm>
    </Card>
  );
}

/**
 * The portal's logo when the page may load it — the app's Content-Security-Policy lets images come
 * only from the app itself (`img-src 'self' data:`) — else the portal's initial in a badge.
 */
function PortalLogo({ name, logoUri }: { name: string; logoUri: string | null }) {
  let sameOrigin = false;
  try {
    sameOrigin = logoUri !== null && new URL(logoUri, window.location.href).origin === window.location.origin;
  } catch {
    sameOrigin = false;
  }
  if (logoUri && sameOrigin) return <img src={logoUri} alt="" width={40} height={40} className="sso-logo" />;
  return (
    <span className="sso-logo sso-initial" aria-hidden="true">
      {name.trim().charAt(0).toUpperCase()}
    </span>
  );
}
