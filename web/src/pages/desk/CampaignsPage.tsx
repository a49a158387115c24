/**
 * Police collection campaigns (`/desk/campaigns`, `?id=` for one): sessions at a commune hall or a
 * village cultural house (date, site, officers, equipment) to take identity-card and e-ID
 * applications and activate accounts; the list, planning a new one, and a campaign's results — the
 * e-ID applications recorded with the campaign's id and the activations among them (from the e-ID
 * module), and the help given at the site that day (from the help log).
 */
import { useState } from 'react';
import { Button, Card, DatePicker, Descriptions, Form, Input, Select, Table, Tag, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { todayInVietnam } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { createCampaign, getCampaign, getCampaignResults, listCampaigns, listDevices, listSites, updateCampaign, type Campaign, type CampaignInput } from './api.js';
import { CAMPAIGN_STATUSES, DeskPage, DEVICE_KINDS, formatDate, FormModal, labelOf, LoadError, optionsOf } from './common.js';

export function CampaignsPage() {
  return (
    <DeskPage permission="desk.manage" title="desk.campaigns.title" intro="desk.campaigns.intro">
      <Campaigns />
    </DeskPage>
  );
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function StatusTag({ status }: { status: Campaign['status'] }) {
  const { lang } = useI18n();
  return <Tag className={`status-tag campaign-${status}`}>{labelOf(CAMPAIGN_STATUSES, status, lang)}</Tag>;
}

const timeRange = (c: Pick<Campaign, 'startTime' | 'endTime'>) => (c.startTime ? `${c.startTime}${c.endTime ? `–${c.endTime}` : ''}` : '');

function Campaigns() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const id = /^[1-9][0-9]{0,15}$/.test(search.get('id') ?? '') ? search.get('id')! : undefined;
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const campaigns = useRemote(`campaigns:${version}:${lang}`, (signal) => listCampaigns({ lang, signal }));
  const items = [...(campaigns.data?.items ?? [])].sort((a, b) => b.day.localeCompare(a.day) || b.id.localeCompare(a.id));

  const columns: TableColumnsType<Campaign> = [
    {
      key: 'day',
      title: t('desk.campaigns.col.day'),
      render: (_, c) => (
        <>
          <span className="number">{formatDate(c.day)}</span>
          {c.startTime && <div className="muted number">{timeRange(c)}</div>}
        </>
      ),
    },
    {
      key: 'title',
      title: t('desk.campaigns.col.title'),
      render: (_, c) => (
        <>
          <Link href={hrefOf('/desk/campaigns', { id: c.id })} className="person-name">
            {c.title}
          </Link>
          <div className="muted">{c.siteName}</div>
        </>
      ),
    },
    { key: 'status', title: t('desk.campaigns.col.status'), render: (_, c) => <StatusTag status={c.status} />, responsive: ['sm'] },
    { key: 'officers', title: t('desk.campaigns.col.officers'), align: 'end', render: (_, c) => <span className="number">{c.officers.length}</span>, responsive: ['md'] },
  ];

  return (
    <>
      <LoadError error={campaigns.error} onRetry={campaigns.retry} />
      {id && <CampaignCard key={id} id={id} version={version} onChanged={() => setVersion((n) => n + 1)} />}
      <div className="desk-toolbar">
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('desk.campaigns.add')}
        </Button>
      </div>
      <Table<Campaign>
        className="unit-table desk-table"
        caption={t('desk.campaigns.caption', { total: campaigns.data?.total ?? 0 })}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={campaigns.loading}
        pagination={items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        rowClassName={(c) => (c.id === id ? 'desk-row-selected' : '')}
        onRow={(c) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && navigate(hrefOf('/desk/campaigns', { id: c.id })) })}
        locale={{ emptyText: campaigns.loading ? ' ' : <p className="empty">{t('desk.campaigns.empty')}</p> }}
      />
      {creating && (
        <CampaignModal
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setVersion((n) => n + 1);
            navigate(hrefOf('/desk/campaigns', { id: c.id }));
          }}
        />
      )}
    </>
  );
}

function CampaignCard({ id, version, onChanged }: { id: string; version: number; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const campaign = useRemote(`campaign:${id}:${version}:${lang}`, (signal) => getCampaign(id, { lang, signal }));
  const results = useRemote(`campaign-results:${id}:${version}:${lang}`, (signal) => getCampaignResults(id, { lang, signal }));
  const [error, setError] = useState<unknown>();
  if (campaign.error) return <ProblemAlert error={campaign.error} onRetry={campaign.retry} />;
  const c = campaign.data;

  const setStatus = async (status: Campaign['status']) => {
    setError(undefined);
    try {
      await updateCampaign(id, { status }, { lang });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const r = results.data;
  const figure = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString(lang));

  return (
    <Card className="import-card desk-card campaign-card" loading={!c} title={<h2 className="card-heading">{c?.title ?? t('desk.campaigns.title')}</h2>}>
      {c && (
        <>
          {error !== undefined && <ProblemAlert error={error} />}
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 1, md: 2 }}
            className="desk-descriptions"
            items={[
              { key: 'day', label: t('desk.campaigns.col.day'), children: `${formatDate(c.day)}${c.startTime ? `, ${timeRange(c)}` : ''}` },
              { key: 'site', label: t('desk.campaigns.site'), children: c.siteName },
              {
                key: 'status',
                label: t('desk.campaigns.col.status'),
                children: (
                  <Select<Campaign['status']> size="small" value={c.status} onChange={(s) => void setStatus(s)} options={optionsOf(CAMPAIGN_STATUSES, lang)} aria-label={t('desk.campaigns.statusOf', { title: c.title })} popupMatchSelectWidth={false} />
                ),
              },
              {
                key: 'officers',
                label: t('desk.campaigns.col.officers'),
                children:
                  c.officers.length === 0 ? (
                    <span className="muted">{t('desk.campaigns.noOfficers')}</span>
                  ) : (
                    <ul className="plain-list">
                      {c.officers.map((o, i) => (
                        <li key={i}>
                          {o.fullName}
                          {o.title && <span className="muted"> · {o.title}</span>}
                        </li>
                      ))}
                    </ul>
                  ),
              },
              {
                key: 'devices',
                label: t('desk.campaigns.devices'),
                children: [...c.devices.map((d) => [labelOf(DEVICE_KINDS, d.kind, lang), d.model].filter(Boolean).join(' · ')), c.equipmentNote].filter(Boolean).join('; ') || <span className="muted">{t('record.notRecorded')}</span>,
              },
              ...(c.note ? [{ key: 'note', label: t('desk.note'), children: c.note }] : []),
              { key: 'id', label: t('desk.campaigns.id'), children: <span className="number">{c.id}</span> },
            ]}
          />
          <section aria-labelledby="campaign-results" className="campaign-results">
            <h3 id="campaign-results" className="section-heading">
              {t('desk.campaigns.results')}
            </h3>
            <LoadError error={results.error} onRetry={results.retry} />
            <dl className="import-counts">
              <div className="import-count">
                <dt>{t('desk.campaigns.applications')}</dt>
                <dd>{figure(r?.applications)}</dd>
              </div>
              <div className="import-count">
                <dt>{t('desk.campaigns.activations')}</dt>
                <dd>{figure(r?.activations)}</dd>
              </div>
              <div className="import-count">
                <dt>{t('desk.campaigns.helpEntries')}</dt>
                <dd>{figure(r?.helpEntries)}</dd>
              </div>
            </dl>
            {r && !r.available && <p className="muted">{t('desk.campaigns.unavailable')}</p>}
            <p className="muted import-hint">{t('desk.campaigns.resultsHint', { id: c.id })}</p>
          </section>
        </>
      )}
    </Card>
  );
}

interface CampaignValues {
  title: string;
  siteId: number;
  day: Dayjs;
  startTime?: string;
  endTime?: string;
  status: CampaignInput['status'];
  officers: { fullName: string; title?: string }[];
  deviceIds?: number[];
  equipmentNote?: string;
  note?: string;
}

function CampaignModal({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Campaign) => void }) {
  const { t, lang } = useI18n();
  const sites = useRemote(`sites:${lang}`, (signal) => listSites({ lang, signal }));
  const devices = useRemote(`devices:${lang}`, (signal) => listDevices({ lang, signal }));
  if (!sites.data) return sites.error ? <ProblemAlert error={sites.error} onRetry={sites.retry} /> : null;
  const office = sites.data.items.find((s) => s.kind === 'commune_office' && s.active) ?? sites.data.items[0];
  return (
    <FormModal<CampaignValues>
      title={t('desk.campaigns.add')}
      name="desk-campaign"
      open
      onClose={onClose}
      okText={t('desk.campaigns.create')}
      initialValues={{ siteId: office?.id, day: dayjs(todayInVietnam()), startTime: '07:30', endTime: '11:30', status: 'planned', officers: [{ fullName: '' }] }}
      onSubmit={async (v) => {
        const c = await createCampaign(
          {
            title: v.title.trim(),
            siteId: v.siteId,
            day: v.day.format('YYYY-MM-DD'),
            startTime: v.startTime || null,
            endTime: v.endTime || null,
            status: v.status,
            officers: (v.officers ?? []).filter((o) => o.fullName?.trim()).map((o) => ({ fullName: o.fullName.trim(), ...(o.title?.trim() ? { title: o.title.trim() } : {}) })),
            deviceIds: v.deviceIds ?? [],
            equipmentNote: v.equipmentNote?.trim() || null,
            note: v.note?.trim() || null,
          },
          { lang },
        );
        onCreated(c);
      }}
    >
      <Form.Item name="title" label={t('desk.campaigns.col.title')} rules={[{ required: true, whitespace: true, message: t('desk.required') }]}>
        <Input maxLength={200} autoComplete="off" placeholder={t('desk.campaigns.titlePlaceholder')} />
      </Form.Item>
      <Form.Item name="siteId" label={t('desk.campaigns.site')} rules={[{ required: true, message: t('desk.required') }]}>
        <Select options={sites.data.items.map((s) => ({ value: s.id, label: s.name }))} />
      </Form.Item>
      <Form.Item name="day" label={t('desk.campaigns.col.day')} rules={[{ required: true, message: t('desk.required') }]}>
        <DatePicker format="DD/MM/YYYY" allowClear={false} />
      </Form.Item>
      <div className="desk-hours">
        <Form.Item name="startTime" label={t('desk.campaigns.start')} rules={[{ pattern: TIME, message: t('desk.timeInvalid') }]} className="desk-time-field">
          <Input type="time" />
        </Form.Item>
        <Form.Item name="endTime" label={t('desk.campaigns.end')} rules={[{ pattern: TIME, message: t('desk.timeInvalid') }]} className="desk-time-field">
          <Input type="time" />
        </Form.Item>
      </div>
      <Form.Item name="status" label={t('desk.campaigns.col.status')}>
        <Select options={optionsOf(CAMPAIGN_STATUSES, lang)} />
      </Form.Item>
      <fieldset className="desk-fieldset">
        <legend>{t('desk.campaigns.col.officers')}</legend>
        <Form.List name="officers">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <div key={field.key} className="officer-row">
                  <Form.Item name={[field.name, 'fullName']} label={t('desk.campaigns.officerName', { n: i + 1 })} className="officer-name">
                    <Input maxLength={100} autoComplete="off" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'title']} label={t('desk.campaigns.officerTitle', { n: i + 1 })} className="officer-title">
                    <Input maxLength={100} autoComplete="off" placeholder={t('desk.campaigns.officerTitlePlaceholder')} />
                  </Form.Item>
                  <Button type="link" danger className="officer-remove desk-danger" onClick={() => remove(field.name)} aria-label={t('desk.campaigns.removeOfficer', { n: i + 1 })}>
                    {t('desk.remove')}
                  </Button>
                </div>
              ))}
              <Button onClick={() => add({ fullName: '' })} disabled={fields.length >= 50}>
                + {t('desk.campaigns.addOfficer')}
              </Button>
            </>
          )}
        </Form.List>
      </fieldset>
      <Form.Item noStyle dependencies={['siteId']}>
        {({ getFieldValue }) => {
          const here = (devices.data?.items ?? []).filter((d) => d.siteId === getFieldValue('siteId') && d.status !== 'retired');
          return here.length === 0 ? null : (
            <Form.Item name="deviceIds" label={t('desk.campaigns.devices')}>
              <Select mode="multiple" options={here.map((d) => ({ value: d.id, label: [labelOf(DEVICE_KINDS, d.kind, lang), d.model, d.serial].filter(Boolean).join(' · ') }))} />
            </Form.Item>
          );
        }}
      </Form.Item>
      <Form.Item name="equipmentNote" label={t('desk.campaigns.equipmentNote')}>
        <Input maxLength={500} autoComplete="off" />
      </Form.Item>
      <Form.Item name="note" label={t('desk.note')}>
        <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 4 }} />
      </Form.Item>
    </FormModal>
  );
}
