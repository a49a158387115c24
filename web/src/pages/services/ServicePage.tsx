/**
 * One procedure of the catalog (`/services/{code}`), open to everyone: what it gives, who decides,
 * the time limit and cut-off, fees, documents, the assurance level for online filing, the legal
 * basis and the version in force; the way to file (staff with `dossier.intake` take it in for a
 * citizen).
 */
import { Alert, Card, Descriptions, Spin, Tag, type DescriptionsProps } from 'antd';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { daysLabel, formatMoment, formatVnd, PageHead, sectorLabel } from '../dossiers/common.js';
import { getService, type Service } from './api.js';

export function ServicePage({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const remote = useRemote(`${code}|${lang}`, (signal) => getService(code, { lang, signal }));
  const s = remote.data;
  return (
    <>
      <div className="trail">
        <Link href="/services">
          <span aria-hidden="true">← </span>
          {t('service.back')}
        </Link>
      </div>
      <PageHead title={s ? (lang === 'vi' ? s.nameVi : s.nameEn) : t('service.title')} />
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {!s && remote.loading && (
        <div className="page-loading" role="status">
          <Spin />
        </div>
      )}
      {s && <ServiceDetail service={s} />}
    </>
  );
}

function ServiceDetail({ service: s }: { service: Service }) {
  const { t, lang } = useI18n();
  const items: DescriptionsProps['items'] = [
    { key: 'code', label: t('services.code'), children: <span className="number">{s.code}{s.provisionalCode && ` (${t('services.provisional')})`}</span> },
    { key: 'sector', label: t('services.sector'), children: sectorLabel(t, s.sector) },
    { key: 'agency', label: t('services.agency'), children: lang === 'vi' ? s.agencyVi : s.agencyEn },
    { key: 'online', label: t('services.online'), children: t(`services.online.${s.onlineLevel === 'partial' ? 'partial' : 'full'}`) },
    {
      key: 'processing',
      label: t('services.processing'),
      children: (
        <>
          {daysLabel(t, s.processingDays)}
          <div className="muted">{t('service.cutoff', { time: s.cutoff })}</div>
        </>
      ),
    },
    { key: 'fees', label: t('services.fees'), children: s.fees.length === 0 ? t('services.free') : <ul className="plain-list">{s.fees.map((f, i) => <li key={i}>{f.label}: {formatVnd(f.amountVnd, lang, t)}</li>)}</ul> },
    { key: 'assurance', label: t('services.assurance'), children: t('services.assuranceLevel', { n: s.requiredAssuranceLevel }) },
    { key: 'result', label: t('service.result'), children: lang === 'vi' ? s.resultVi : s.resultEn },
  ];
  return (
    <>
      <div className="service-head-tags">
        {s.essentialNo !== null && <Tag className="tag-essential">{t('services.essentialNo', { n: s.essentialNo })}</Tag>}
        {s.kind === 'bundle' && <Tag className="tag-bundle">{t('services.bundle')}</Tag>}
      </div>
      <FileEntry service={s} />
      <Card className="detail-card" title={<h2 className="card-heading">{t('service.facts')}</h2>}>
        <Descriptions column={1} size="small" items={items} />
      </Card>
      <Card className="detail-card" title={<h2 className="card-heading">{t('services.documents', { n: s.requiredDocuments.length })}</h2>}>
        {s.requiredDocuments.length === 0 ? (
          <p className="muted">{t('services.noDocuments')}</p>
        ) : (
          <ul className="doc-list">
            {s.requiredDocuments.map((d) => (
              <li key={d.key}>
                {lang === 'vi' ? d.nameVi : d.nameEn}
                {!d.required && <span className="muted"> ({t('services.optionalDoc')})</span>}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {s.members.length > 0 && (
        <Card className="detail-card" title={<h2 className="card-heading">{t('service.members')}</h2>}>
          <ul className="doc-list">
            {s.members.map((m) => (
              <li key={m}>
                <Link href={`/services/${m}`}>{m}</Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card className="detail-card" title={<h2 className="card-heading">{t('service.legalBasis')}</h2>}>
        <ul className="doc-list">
          {s.legalBasis.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
        <p className="muted service-version">{t('service.version', { version: s.version, date: formatMoment(s.createdAt, lang) })}</p>
      </Card>
    </>
  );
}

/** How to file: the intake form for staff who take in dossiers, the online form for a signed-in citizen, else how to sign in. */
function FileEntry({ service: s }: { service: Service }) {
  const { t } = useI18n();
  const session = useSession();
  const href = `/services/${s.code}/file`;
  if (session.can('dossier.intake') || session.citizen.account) {
    return (
      <p className="file-entry">
        <Link href={href} className="link-button link-button-primary">
          {session.can('dossier.intake') ? t('service.fileCounter') : t('service.fileOnline')}
        </Link>
      </p>
    );
  }
  if (session.staff) return null;
  return (
    <Alert
      className="file-entry"
      type="info"
      showIcon
      title={t('service.fileOnline')}
      description={
        <>
          <p className="alert-text">{t('service.fileHint', { n: s.requiredAssuranceLevel })}</p>
          <div className="button-row file-entry-links">
            <Link className="link-button link-button-primary" href={hrefOf('/eid/sign-in', { next: href })}>
              {t('filing.signIn.citizen')}
            </Link>
            <Link className="link-button" href={hrefOf('/sign-in', { next: href })}>
              {t('filing.signIn.staff')}
            </Link>
          </div>
        </>
      }
    />
  );
}
