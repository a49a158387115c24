/**
 * The public-services catalog (`/services?q=&sector=&essential=1`), open to everyone: each
 * procedure with its sector, online level, time limit in working days, fees, the e-ID assurance
 * level it needs and the documents to submit, linking to its page.
 */
import { useEffect } from 'react';
import { Button, Checkbox, Form, Input, Select, Spin, Tag } from 'antd';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { daysLabel, formatVnd, PageHead, SECTORS, sectorLabel, type Sector } from '../dossiers/common.js';
import { listServices, type Service } from './api.js';

interface View {
  q?: string;
  sector?: Sector;
  essential: boolean;
}

function viewOf(search: URLSearchParams): View {
  const sector = search.get('sector');
  return {
    q: search.get('q')?.trim().slice(0, 100) || undefined,
    sector: sector && (SECTORS as readonly string[]).includes(sector) ? (sector as Sector) : undefined,
    essential: search.get('essential') === '1',
  };
}

const hrefOfView = (v: View) => hrefOf('/services', { q: v.q, sector: v.sector, essential: v.essential ? '1' : undefined });

export function ServicesPage() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const view = viewOf(search);
  const remote = useRemote(JSON.stringify([view, lang]), (signal) => listServices({ q: view.q, sector: view.sector, essential: view.essential || undefined }, { lang, signal }));

  return (
    <>
      <PageHead title={t('services.title')} intro={t('services.intro')} />
      <Filters view={view} />
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {remote.data === undefined && remote.loading && (
        <div className="page-loading" role="status">
          <Spin />
        </div>
      )}
      {remote.data && (
        <section aria-labelledby="service-list-caption" aria-busy={remote.loading}>
          <h2 id="service-list-caption" className="list-caption">
            {t('services.caption', { total: remote.data.total })}
          </h2>
          {remote.data.items.length === 0 ? (
            <p className="empty">{t('services.empty')}</p>
          ) : (
            <ol className="service-list">
              {remote.data.items.map((s) => (
                <ServiceCard key={s.code} service={s} />
              ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}

function Filters({ view }: { view: View }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ q?: string; sector?: Sector | ''; essential?: boolean }>();
  useEffect(() => form.setFieldsValue({ q: view.q ?? '', sector: view.sector ?? '', essential: view.essential }), [form, view.q, view.sector, view.essential]);
  return (
    <Form
      form={form}
      layout="vertical"
      className="filters service-filters"
      role="search"
      name="service-search"
      requiredMark={false}
      onFinish={(v) => navigate(hrefOfView({ q: v.q?.trim() || undefined, sector: v.sector || undefined, essential: Boolean(v.essential) }))}
    >
      <Form.Item name="q" label={t('services.q')} className="field-grow">
        <Input maxLength={100} allowClear placeholder={t('services.qPlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item name="sector" label={t('services.sector')} className="field-sector">
        <Select
          options={[{ value: '', label: t('services.allSectors') }, ...SECTORS.map((s) => ({ value: s, label: sectorLabel(t, s) }))]}
          onChange={(sector: Sector | '') => navigate(hrefOfView({ ...view, sector: sector || undefined }))}
        />
      </Form.Item>
      <Form.Item name="essential" valuePropName="checked" className="field-check" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Checkbox onChange={(e) => navigate(hrefOfView({ ...view, essential: e.target.checked }))}>{t('services.essentialOnly')}</Checkbox>
      </Form.Item>
      <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Button type="primary" htmlType="submit">
          {t('services.search')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** One procedure of the list: name, code and agency, its facts, and the documents behind a disclosure. */
function ServiceCard({ service: s }: { service: Service }) {
  const { t, lang } = useI18n();
  const href = `/services/${s.code}`;
  const fees = s.fees.length === 0 ? t('services.free') : s.fees.map((f) => `${f.label}: ${formatVnd(f.amountVnd, lang, t)}`).join('; ');
  return (
    <li className="service-card">
      <div className="service-card-head">
        <h3 className="service-name">
          <Link href={href}>{lang === 'vi' ? s.nameVi : s.nameEn}</Link>
        </h3>
        <div className="service-tags">
          {s.essentialNo !== null && <Tag className="tag-essential">{t('services.essentialNo', { n: s.essentialNo })}</Tag>}
          {s.kind === 'bundle' && <Tag className="tag-bundle">{t('services.bundle')}</Tag>}
          <Tag className="tag-sector">{sectorLabel(t, s.sector)}</Tag>
        </div>
      </div>
      <div className="muted service-meta">
        <span className="number">{s.code}</span>
        {s.provisionalCode && <span> ({t('services.provisional')})</span>} · {lang === 'vi' ? s.agencyVi : s.agencyEn}
      </div>
      <dl className="service-facts">
        <div>
          <dt>{t('services.online')}</dt>
          <dd>{t(`services.online.${s.onlineLevel === 'partial' ? 'partial' : 'full'}`)}</dd>
        </div>
        <div>
          <dt>{t('services.processing')}</dt>
          <dd>{daysLabel(t, s.processingDays)}</dd>
        </div>
        <div>
          <dt>{t('services.fees')}</dt>
          <dd>{fees}</dd>
        </div>
        <div>
          <dt>{t('services.assurance')}</dt>
          <dd>{t('services.assuranceLevel', { n: s.requiredAssuranceLevel })}</dd>
        </div>
      </dl>
      {s.requiredDocuments.length > 0 ? (
        <details className="service-docs">
          <summary>{t('services.documents', { n: s.requiredDocuments.length })}</summary>
          <ul>
            {s.requiredDocuments.map((d) => (
              <li key={d.key}>
                {lang === 'vi' ? d.nameVi : d.nameEn}
                {!d.required && <span className="muted"> ({t('services.optionalDoc')})</span>}
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="muted service-docs-none">{t('services.noDocuments')}</p>
      )}
    </li>
  );
}
