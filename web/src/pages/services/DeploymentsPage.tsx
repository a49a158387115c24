/**
 * Deployment of the catalog at a unit (`/services/deployments?unit=`), for administrators
 * (`services.manage`): "x of 25 essential public services deployed" there, each procedure deployed
 * or withdrawn from a date, and the unit's receiving agency (the agency code every dossier code
 * starts with; a unit without one cannot take dossiers).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, Progress, Table, Tag, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { problemCode } from '../../api.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { UnitCodeNote } from '../../components/UnitName.js';
import { todayInVietnam } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, navigate, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { useSettled } from '../../useSettled.js';
import { formatDay, PageHead } from '../dossiers/common.js';
import { deploy, getDeployed, listAgencies, listServices, saveAgency, withdraw, type AgencyInput, type Service } from './api.js';

const UNIT = /^[0-9]{2}([0-9]{3})?$/;
const AGENCY_CODE = /^[A-Z0-9]{1,10}(\.[A-Z0-9]{1,10}){0,5}$/;

export function DeploymentsPage() {
  return (
    <RequireStaff permission="services.manage">
      <Deployments />
    </RequireStaff>
  );
}

function Deployments() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const requested = search.get('unit') ?? '';
  const unit = UNIT.test(requested) ? requested : undefined;
  const [form] = Form.useForm<{ unit: string }>();
  useEffect(() => form.setFieldsValue({ unit: unit ?? session.staff?.unitCode ?? '' }), [form, unit, session.staff?.unitCode]);
  // The unit the typed code names today, said under the field once the code is whole.
  const [today] = useState(todayInVietnam);
  const typed = useSettled((Form.useWatch('unit', form) as string | undefined)?.trim() ?? '', 300);

  return (
    <>
      <PageHead title={t('deploy.title')} intro={t('deploy.intro')} />
      <Form form={form} layout="vertical" className="filters deploy-filters" role="search" name="deploy-unit" requiredMark={false} onFinish={(v) => navigate(hrefOf('/services/deployments', { unit: v.unit.trim() }))}>
        <Form.Item
          name="unit"
          label={t('deploy.unit')}
          className="field-unit"
          rules={[{ required: true, pattern: UNIT, message: t('deploy.unitInvalid') }]}
          extra={<UnitCodeNote code={UNIT.test(typed) ? typed : null} at={today} />}
        >
          <Input inputMode="numeric" maxLength={5} placeholder={t('deploy.unitPlaceholder')} autoComplete="off" />
        </Form.Item>
        <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
          <Button type="primary" htmlType="submit">
            {t('deploy.show')}
          </Button>
        </Form.Item>
      </Form>
      {unit && <UnitDeployments key={unit} unit={unit} />}
    </>
  );
}

function UnitDeployments({ unit }: { unit: string }) {
  const { t, lang } = useI18n();
  const [notice, setNotice] = useState<string>();
  const [from, setFrom] = useState(todayInVietnam());
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const count = useRemote(`count|${unit}|${lang}`, (signal) => getDeployed(unit, { lang, signal }));
  const all = useRemote(`all|${lang}`, (signal) => listServices({}, { lang, signal }));
  const here = useRemote(`here|${unit}|${lang}`, (signal) => listServices({ unit }, { lang, signal }));
  const deployedCodes = new Set(here.data?.items.map((s) => s.code) ?? []);
  const name = (s: Service) => (lang === 'vi' ? s.nameVi : s.nameEn);
  /** Catalog entries outside the official essential list: shown, deployable, not counted in "x of 25". */
  const others = all.data?.items.filter((s) => s.essentialNo === null) ?? [];

  const change = async (s: Service, on: boolean) => {
    setBusy(s.code);
    setError(undefined);
    setNotice(undefined);
    try {
      if (on) await deploy(s.code, unit, from, { lang });
      else await withdraw(s.code, unit, from, { lang });
      setNotice(t('deploy.done', { name: name(s) }));
      count.retry();
      here.retry();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  const columns: TableColumnsType<Service> = [
    {
      key: 'service',
      title: t('deploy.col.service'),
      render: (_, s) => (
        <>
          <div className="service-row-name">{name(s)}</div>
          <div className="muted">
            <span className="number">{s.code}</span>
            {` · ${s.essentialNo !== null ? t('services.essentialNo', { n: s.essentialNo }) : t('deploy.notEssential')}`}
          </div>
        </>
      ),
    },
    {
      key: 'state',
      title: t('deploy.col.state'),
      render: (_, s) => (deployedCodes.has(s.code) ? <Tag className="tag-on">{t('deploy.deployed')}</Tag> : <Tag className="tag-off">{t('deploy.notDeployed')}</Tag>),
    },
    {
      key: 'action',
      title: t('deploy.col.action'),
      render: (_, s) => {
        const on = deployedCodes.has(s.code);
        return (
          <Button size="small" loading={busy === s.code} disabled={busy !== undefined && busy !== s.code} onClick={() => change(s, !on)} aria-label={t(on ? 'deploy.withdrawOne' : 'deploy.deployOne', { name: name(s), date: formatDay(from) })}>
            {t(on ? 'deploy.withdraw' : 'deploy.deploy')}
          </Button>
        );
      },
    },
  ];

  const listError = all.error ?? here.error;
  return (
    <>
      {count.error !== undefined && <ProblemAlert error={count.error} onRetry={count.retry} />}
      {count.data && (
        <Card className="detail-card deploy-count">
          <h2 className="card-heading">{t('deploy.count', { deployed: count.data.deployed, of: count.data.of })}</h2>
          <Progress percent={Math.round((count.data.deployed / count.data.of) * 100)} showInfo={false} aria-hidden="true" />
          {/* The indicator's denominator is the official list (25); the catalog holds the published ones (24): say both. */}
          <p className="muted">{t('deploy.catalogued', { of: count.data.of, catalogued: count.data.catalogued, date: formatDay(count.data.on) })}</p>
          {count.data.catalogued < count.data.of && <p className="muted">{t('deploy.missing', { n: count.data.of - count.data.catalogued, of: count.data.of })}</p>}
          {others.length > 0 && <p className="muted">{t('deploy.others', { n: others.length, deployed: others.filter((s) => deployedCodes.has(s.code)).length })}</p>}
        </Card>
      )}
      {problemCode(count.error) !== 'SERVICE_UNIT_UNKNOWN' && <AgencyCard unit={unit} />}
      <div className="deploy-from">
        <label htmlFor="deploy-from">{t('deploy.on')}</label>
        <DatePicker id="deploy-from" format="DD/MM/YYYY" allowClear={false} value={dayjs(from)} onChange={(d: Dayjs | null) => d && setFrom(d.format('YYYY-MM-DD'))} />
      </div>
      {error !== undefined && <ProblemAlert error={error} />}
      <div role="status">{notice && <Alert type="success" showIcon title={notice} />}</div>
      {listError !== undefined ? (
        <ProblemAlert error={listError} onRetry={() => (all.retry(), here.retry())} />
      ) : (
        <Table<Service>
          className="unit-table deploy-table"
          caption={t('deploy.caption', { unit })}
          rowKey="code"
          size="middle"
          columns={columns}
          dataSource={all.data?.items ?? []}
          loading={all.loading || here.loading}
          pagination={false}
        />
      )}
    </>
  );
}

/** The receiving agency of the unit: shown, and saved (PUT /dossier-agencies/{unit}). */
function AgencyCard({ unit }: { unit: string }) {
  const { t, lang } = useI18n();
  const [notice, setNotice] = useState<string>();
  const remote = useRemote(`agencies|${lang}`, (signal) => listAgencies({ lang, signal }));
  const agency = remote.data?.find((a) => a.unitCode === unit);
  const [form] = Form.useForm<AgencyInput>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (agency) form.setFieldsValue({ agencyCode: agency.agencyCode, nameVi: agency.nameVi, headTitle: agency.headTitle, headPhone: agency.headPhone ?? '', headEmail: agency.headEmail ?? '' });
  }, [form, agency]);

  const save = async (v: AgencyInput) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const saved = await saveAgency(unit, { agencyCode: v.agencyCode.trim(), nameVi: v.nameVi.trim(), headTitle: v.headTitle.trim(), headPhone: v.headPhone?.trim() || null, headEmail: v.headEmail?.trim() || null }, { lang });
      setNotice(t('agency.saved', { code: saved.agencyCode }));
      remote.retry();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('agency.title', { unit })}</h2>}>
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {remote.data && !agency && <Alert type="warning" showIcon title={t('agency.missing')} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <div role="status">{notice && <Alert type="success" showIcon title={notice} />}</div>
      <Form<AgencyInput> form={form} layout="vertical" name="agency" onFinish={save} disabled={busy || !remote.data} requiredMark="optional" className="agency-form">
        <Form.Item name="agencyCode" label={t('agency.code')} rules={[{ required: true, pattern: AGENCY_CODE, message: t('agency.codeInvalid') }]}>
          <Input maxLength={65} placeholder="H31.10888" autoComplete="off" />
        </Form.Item>
        <Form.Item name="nameVi" label={t('agency.name')} rules={[{ required: true, min: 3, max: 200, message: t('filing.required', { label: t('agency.name') }) }]}>
          <Input maxLength={200} placeholder={t('agency.namePlaceholder')} autoComplete="off" />
        </Form.Item>
        <Form.Item name="headTitle" label={t('agency.headTitle')} rules={[{ required: true, min: 3, max: 200, message: t('filing.required', { label: t('agency.headTitle') }) }]}>
          <Input maxLength={200} placeholder={t('agency.headTitlePlaceholder')} autoComplete="off" />
        </Form.Item>
        <div className="form-row">
          <Form.Item name="headPhone" label={t('agency.headPhone')}>
            <Input type="tel" inputMode="tel" maxLength={20} autoComplete="off" />
          </Form.Item>
          <Form.Item name="headEmail" label={t('agency.headEmail')} rules={[{ type: 'email', message: t('filing.email') }]}>
            <Input type="email" maxLength={254} autoComplete="off" />
          </Form.Item>
        </div>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('agency.save')}
        </Button>
      </Form>
    </Card>
  );
}
