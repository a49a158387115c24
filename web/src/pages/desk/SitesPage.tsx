/**
 * Sites and equipment of the officer's unit (`/desk/sites`, `?tab=devices`): the coverage — how
 * many villages or residential areas have a connected computer (their cultural house has an
 * internet connection and a working computer) —, the sites with their desks, and the devices with
 * their status, acquisition date and funding source.
 */
import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, InputNumber, Progress, Select, Switch, Table, Tabs, Tag, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { UnitName } from '../../components/UnitName.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, navigate, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { useMediaQuery, WIDE } from '../../useMediaQuery.js';
import { useRemote } from '../../useRemote.js';
import { createDesk, createDevice, createSite, getCoverage, listDesks, listDevices, listSites, listTeams, updateDevice, updateSite, type Desk, type Device, type DeviceInput, type Site, type SiteInput, type Team } from './api.js';
import { DeskPage, DEVICE_KINDS, DEVICE_STATUSES, formatDate, FormModal, FUNDING_SOURCES, INTERNET_KINDS, labelOf, LoadError, optionsOf, percent, SITE_KINDS } from './common.js';

export function SitesPage() {
  return (
    <DeskPage permission="desk.manage" title="desk.sites.title" intro="desk.sites.intro">
      <Sites />
    </DeskPage>
  );
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

function Sites() {
  const { t, lang } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const tab = search.get('tab') === 'devices' ? 'devices' : 'sites';
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((n) => n + 1);
  const o = (signal: AbortSignal) => ({ lang, signal });
  const sites = useRemote(`sites:${version}:${lang}`, (s) => listSites(o(s)));
  const desks = useRemote(`desks:${version}:${lang}`, (s) => listDesks(o(s)));
  const devices = useRemote(`devices:${version}:${lang}`, (s) => listDevices(o(s)));
  const teams = useRemote(`teams:${lang}`, (s) => listTeams(o(s)));

  return (
    <>
      {session.can('reports.read') && <CoverageCard version={version} sites={sites.data?.items ?? []} />}
      <Tabs
        className="desk-tabs"
        activeKey={tab}
        onChange={(k) => navigate(hrefOf('/desk/sites', { tab: k === 'devices' ? 'devices' : undefined }))}
        items={[
          {
            key: 'sites',
            label: t('desk.sites.tab.sites'),
            children: (
              <>
                <LoadError error={sites.error ?? desks.error ?? devices.error} onRetry={() => changed()} />
                <SiteTable sites={sites.data?.items} desks={desks.data?.items ?? []} devices={devices.data?.items ?? []} teams={teams.data?.items ?? []} loading={sites.loading} onChanged={changed} />
              </>
            ),
          },
          {
            key: 'devices',
            label: t('desk.sites.tab.devices'),
            children: (
              <>
                <LoadError error={devices.error ?? sites.error} onRetry={() => changed()} />
                <DeviceTable sites={sites.data?.items ?? []} desks={desks.data?.items ?? []} devices={devices.data?.items} loading={devices.loading} onChanged={changed} />
              </>
            ),
          },
        ]}
      />
    </>
  );
}

/** Villages (cultural houses) with a connected computer, per unit: x of y, as a bar. */
function CoverageCard({ version, sites }: { version: number; sites: Site[] }) {
  const { t, lang } = useI18n();
  // The units are named as of the date the sites' codes refer to (a commune merged since keeps its name).
  const dateOf = (code: string) => sites.find((s) => s.unitCode === code)?.unitDate;
  const coverage = useRemote(`coverage:${version}:${lang}`, (signal) => getCoverage({ lang, signal }));
  return (
    <Card className="import-card desk-card desk-coverage" title={<h2 className="card-heading">{t('desk.coverage.title')}</h2>} loading={!coverage.data && !coverage.error}>
      <p className="muted import-hint">{t('desk.coverage.hint')}</p>
      <LoadError error={coverage.error} onRetry={coverage.retry} />
      {coverage.data && coverage.data.length === 0 && <p className="empty">{t('desk.coverage.empty')}</p>}
      <ul className="plain-list desk-coverage-list">
        {coverage.data?.map((c) => (
          <li key={c.unitCode} className="desk-coverage-row">
            <div className="desk-coverage-unit">
              {dateOf(c.unitCode) ? <UnitName code={c.unitCode} at={dateOf(c.unitCode)!} /> : t('desk.unitCode', { code: c.unitCode })}
            </div>
            <div className="desk-coverage-figure">
              <strong className="number">
                {c.connected}/{c.villages}
              </strong>{' '}
              {t('desk.coverage.villages')}
            </div>
            <Progress percent={Math.round((c.share ?? 0) * 100)} format={() => percent(c.share, lang)} aria-label={t('desk.coverage.bar', { unit: c.unitCode })} aria-valuetext={t('desk.coverage.value', { connected: c.connected, villages: c.villages })} />
          </li>
        ))}
      </ul>
    </Card>
  );
}

interface SiteValues {
  kind: SiteInput['kind'];
  name: string;
  address?: string;
  internet: SiteInput['internet'];
  bandwidthMbps?: number | null;
  active: boolean;
}

function SiteTable({ sites, desks, devices, teams, loading, onChanged }: { sites: Site[] | undefined; desks: Desk[]; devices: Device[]; teams: Team[]; loading: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const wide = useMediaQuery(WIDE);
  const [editing, setEditing] = useState<Site | 'new'>();
  const [deskFor, setDeskFor] = useState<Site>();

  const desksOf = (s: Site) => {
    const here = desks.filter((d) => d.siteId === s.id);
    return (
      <>
        <ul className="plain-list desk-sub-list">
          {here.map((d) => (
            <li key={d.id}>
              {d.name}{' '}
              <span className="muted number">
                {d.hours.morningStart}–{d.hours.morningEnd}, {d.hours.afternoonStart}–{d.hours.afternoonEnd}
              </span>
            </li>
          ))}
        </ul>
        <Button size="small" type="link" className="inline-button" onClick={() => setDeskFor(s)} aria-label={t('desk.desks.addAt', { site: s.name })}>
          + {t('desk.desks.add')}
        </Button>
      </>
    );
  };

  const columns: TableColumnsType<Site> = [
    {
      key: 'name',
      title: t('desk.sites.col.name'),
      render: (_, s) => (
        <>
          <span className="person-name">{s.name}</span>
          {!s.active && <Tag className="desk-tag-muted">{t('desk.sites.inactive')}</Tag>}
          {s.address && <div className="muted">{s.address}</div>}
          {!wide && (
            <>
              <div className="muted">
                {labelOf(SITE_KINDS, s.kind, lang)} · <span className={s.internet === 'none' ? 'desk-warn' : undefined}>{t('desk.sites.internetOf', { kind: labelOf(INTERNET_KINDS, s.internet, lang) })}</span>
              </div>
              <div className="desk-actions-under">{desksOf(s)}</div>
            </>
          )}
        </>
      ),
    },
    { key: 'kind', title: t('desk.sites.col.kind'), render: (_, s) => labelOf(SITE_KINDS, s.kind, lang), responsive: ['md'] },
    {
      key: 'internet',
      title: t('desk.sites.col.internet'),
      responsive: ['md'],
      render: (_, s) => (
        <>
          <span className={s.internet === 'none' ? 'desk-warn' : undefined}>{labelOf(INTERNET_KINDS, s.internet, lang)}</span>
          {/* 0 also stands for "not given" (the API answers null as 0 for now). */}
          {s.bandwidthMbps ? <div className="muted number">{s.bandwidthMbps} Mbps</div> : null}
        </>
      ),
    },
    // On a phone the desks go under the site (their own column is hidden there).
    { key: 'desks', title: t('desk.sites.col.desks'), responsive: ['md'], render: (_, s) => desksOf(s) },
    {
      key: 'devices',
      title: t('desk.sites.col.devices'),
      responsive: ['lg'],
      render: (_, s) => {
        const here = devices.filter((d) => d.siteId === s.id && d.status !== 'retired');
        const working = here.filter((d) => d.status === 'working').length;
        return here.length === 0 ? <span className="muted">{t('desk.sites.noDevices')}</span> : t('desk.sites.devicesCount', { working, total: here.length });
      },
    },
    {
      key: 'actions',
      title: <span className="visually-hidden">{t('desk.col.actions')}</span>,
      render: (_, s) => (
        <Button size="small" onClick={() => setEditing(s)} aria-label={t('desk.sites.editOf', { name: s.name })}>
          {t('desk.edit')}
        </Button>
      ),
    },
  ];

  const site = editing === 'new' ? undefined : editing;
  return (
    <>
      <div className="desk-toolbar">
        <Button type="primary" onClick={() => setEditing('new')}>
          {t('desk.sites.add')}
        </Button>
      </div>
      <Table<Site>
        className="unit-table desk-table"
        caption={t('desk.sites.caption', { total: sites?.length ?? 0 })}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={sites ?? []}
        loading={loading}
        pagination={false}
        locale={{ emptyText: loading ? ' ' : <p className="empty">{t('desk.sites.empty')}</p> }}
      />
      <FormModal<SiteValues>
        key={site?.id ?? 'new'}
        title={site ? t('desk.sites.editOf', { name: site.name }) : t('desk.sites.add')}
        name="desk-site"
        open={editing !== undefined}
        onClose={() => setEditing(undefined)}
        initialValues={site ? { kind: site.kind, name: site.name, address: site.address ?? undefined, internet: site.internet, bandwidthMbps: site.bandwidthMbps || undefined, active: site.active } : { kind: 'cultural_house', internet: 'fixed_broadband', active: true }}
        onSubmit={async (v) => {
          const body = { kind: v.kind, name: v.name.trim(), address: v.address?.trim() || null, internet: v.internet, bandwidthMbps: v.bandwidthMbps ?? null, active: v.active };
          if (site) await updateSite(site.id, body, { lang });
          else await createSite(body, { lang });
          onChanged();
        }}
      >
        <Form.Item name="name" label={t('desk.sites.col.name')} rules={[{ required: true, whitespace: true, message: t('desk.required') }]}>
          <Input maxLength={200} autoComplete="off" placeholder={t('desk.sites.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="kind" label={t('desk.sites.col.kind')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={optionsOf(SITE_KINDS, lang)} />
        </Form.Item>
        <Form.Item name="address" label={t('desk.sites.address')}>
          <Input maxLength={300} autoComplete="off" />
        </Form.Item>
        <Form.Item name="internet" label={t('desk.sites.col.internet')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={optionsOf(INTERNET_KINDS, lang)} />
        </Form.Item>
        <Form.Item name="bandwidthMbps" label={t('desk.sites.bandwidth')}>
          <InputNumber min={0} max={100000} inputMode="numeric" suffix="Mbps" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="active" label={t('desk.sites.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </FormModal>
      {deskFor && <DeskModal site={deskFor} teams={teams} onClose={() => setDeskFor(undefined)} onAdded={onChanged} />}
    </>
  );
}

interface DeskValues {
  name: string;
  teamId?: number;
  morningStart: string;
  morningEnd: string;
  afternoonStart: string;
  afternoonEnd: string;
}

function DeskModal({ site, teams, onClose, onAdded }: { site: Site; teams: Team[]; onClose: () => void; onAdded: () => void }) {
  const { t, lang } = useI18n();
  const time = (name: keyof DeskValues, label: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('desk.required') }, { pattern: TIME, message: t('desk.timeInvalid') }]} className="desk-time-field">
      <Input type="time" />
    </Form.Item>
  );
  return (
    <FormModal<DeskValues>
      title={t('desk.desks.addAt', { site: site.name })}
      name="desk-desk"
      open
      onClose={onClose}
      initialValues={{ morningStart: '07:30', morningEnd: '11:30', afternoonStart: '13:30', afternoonEnd: '17:00', teamId: teams[0]?.id }}
      onSubmit={async (v) => {
        await createDesk({ siteId: site.id, name: v.name.trim(), teamId: v.teamId ?? null, hours: { morningStart: v.morningStart, morningEnd: v.morningEnd, afternoonStart: v.afternoonStart, afternoonEnd: v.afternoonEnd } }, { lang });
        onAdded();
      }}
    >
      <Form.Item name="name" label={t('desk.desks.name')} rules={[{ required: true, whitespace: true, message: t('desk.required') }]}>
        <Input maxLength={100} autoComplete="off" placeholder={t('desk.desks.namePlaceholder')} />
      </Form.Item>
      <Form.Item name="teamId" label={t('desk.desks.team')}>
        <Select allowClear options={teams.map((x) => ({ value: x.id, label: x.name }))} />
      </Form.Item>
      <fieldset className="desk-fieldset">
        <legend>{t('desk.desks.hours')}</legend>
        <div className="desk-hours">
          {time('morningStart', t('desk.desks.morningStart'))}
          {time('morningEnd', t('desk.desks.morningEnd'))}
          {time('afternoonStart', t('desk.desks.afternoonStart'))}
          {time('afternoonEnd', t('desk.desks.afternoonEnd'))}
        </div>
      </fieldset>
    </FormModal>
  );
}

interface DeviceValues {
  siteId: number;
  deskId?: number;
  kind: DeviceInput['kind'];
  model?: string;
  serial?: string;
  status: DeviceInput['status'];
  acquiredOn?: Dayjs;
  funding: DeviceInput['funding'];
  note?: string;
}

function DeviceTable({ sites, desks, devices, loading, onChanged }: { sites: Site[]; desks: Desk[]; devices: Device[] | undefined; loading: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const wide = useMediaQuery(WIDE);
  const [adding, setAdding] = useState(false);
  const [siteFilter, setSiteFilter] = useState<number>();
  const [error, setError] = useState<unknown>();
  const siteName = (id: number) => sites.find((s) => s.id === id)?.name ?? '';
  const deskName = (id: number | null) => (!id ? '' : (desks.find((d) => d.id === id)?.name ?? ''));
  const shown = (devices ?? []).filter((d) => siteFilter === undefined || d.siteId === siteFilter);

  const setStatus = async (d: Device, status: Device['status']) => {
    setError(undefined);
    try {
      await updateDevice(d.id, { status }, { lang });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };

  const columns: TableColumnsType<Device> = [
    {
      key: 'kind',
      title: t('desk.devices.col.kind'),
      render: (_, d) => (
        <>
          <span className="person-name">{labelOf(DEVICE_KINDS, d.kind, lang)}</span>
          {(d.model || d.serial) && <div className="muted">{[d.model, d.serial && t('desk.devices.serialOf', { serial: d.serial })].filter(Boolean).join(' · ')}</div>}
          {!wide && <div className="muted">{[siteName(d.siteId), deskName(d.deskId)].filter(Boolean).join(' · ')}</div>}
        </>
      ),
    },
    { key: 'site', title: t('desk.devices.col.site'), responsive: ['md'], render: (_, d) => (<>{siteName(d.siteId)}{d.deskId ? <div className="muted">{deskName(d.deskId)}</div> : null}</>) },
    {
      key: 'status',
      title: t('desk.devices.col.status'),
      render: (_, d) => (
        <Select<Device['status']>
          size="small"
          value={d.status}
          className={`desk-status desk-status-${d.status}`}
          popupMatchSelectWidth={false}
          aria-label={t('desk.devices.statusOf', { device: `${labelOf(DEVICE_KINDS, d.kind, lang)}${d.model ? ` ${d.model}` : ''}`, site: siteName(d.siteId) })}
          options={optionsOf(DEVICE_STATUSES, lang)}
          onChange={(s) => void setStatus(d, s)}
        />
      ),
    },
    { key: 'acquired', title: t('desk.devices.col.acquired'), responsive: ['lg'], render: (_, d) => formatDate(d.acquiredOn) },
    { key: 'funding', title: t('desk.devices.col.funding'), responsive: ['lg'], render: (_, d) => labelOf(FUNDING_SOURCES, d.funding, lang) },
  ];

  return (
    <>
      {error !== undefined && <ProblemAlert error={error} />}
      <div className="desk-toolbar">
        <Select<number>
          allowClear
          className="desk-filter"
          placeholder={t('desk.devices.allSites')}
          aria-label={t('desk.devices.filterSite')}
          value={siteFilter}
          onChange={setSiteFilter}
          options={sites.map((s) => ({ value: s.id, label: s.name }))}
        />
        <Button type="primary" onClick={() => setAdding(true)} disabled={sites.length === 0}>
          {t('desk.devices.add')}
        </Button>
      </div>
      <Table<Device>
        className="unit-table desk-table"
        caption={t('desk.devices.caption', { total: shown.length })}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={shown}
        loading={loading}
        pagination={shown.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        rowClassName={(d) => (d.status === 'retired' ? 'desk-row-left' : '')}
        locale={{ emptyText: loading ? ' ' : <p className="empty">{t('desk.devices.empty')}</p> }}
      />
      <FormModal<DeviceValues>
        title={t('desk.devices.add')}
        name="desk-device"
        open={adding}
        onClose={() => setAdding(false)}
        initialValues={{ siteId: siteFilter ?? sites[0]?.id, kind: 'computer', status: 'working', funding: 'provincial_budget' }}
        onSubmit={async (v) => {
          await createDevice(
            { siteId: v.siteId, deskId: v.deskId ?? null, kind: v.kind, model: v.model?.trim() || null, serial: v.serial?.trim() || null, status: v.status, acquiredOn: v.acquiredOn?.format('YYYY-MM-DD') ?? null, funding: v.funding, note: v.note?.trim() || null },
            { lang },
          );
          onChanged();
        }}
      >
        <Form.Item name="siteId" label={t('desk.devices.col.site')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={sites.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item noStyle dependencies={['siteId']}>
          {({ getFieldValue }) => {
            const here = desks.filter((d) => d.siteId === getFieldValue('siteId'));
            return here.length === 0 ? null : (
              <Form.Item name="deskId" label={t('desk.devices.desk')}>
                <Select allowClear options={here.map((d) => ({ value: d.id, label: d.name }))} />
              </Form.Item>
            );
          }}
        </Form.Item>
        <Form.Item name="kind" label={t('desk.devices.col.kind')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={optionsOf(DEVICE_KINDS, lang)} />
        </Form.Item>
        <Form.Item name="model" label={t('desk.devices.model')}>
          <Input maxLength={200} autoComplete="off" placeholder="Dell OptiPlex 3000" />
        </Form.Item>
        <Form.Item name="serial" label={t('desk.devices.serial')}>
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item name="status" label={t('desk.devices.col.status')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={optionsOf(DEVICE_STATUSES, lang)} />
        </Form.Item>
        <Form.Item name="acquiredOn" label={t('desk.devices.col.acquired')}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
        <Form.Item name="funding" label={t('desk.devices.col.funding')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={optionsOf(FUNDING_SOURCES, lang)} />
        </Form.Item>
        <Form.Item name="note" label={t('desk.note')}>
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
      </FormModal>
    </>
  );
}
