/**
 * The police queue of e-ID applications (`/eid/applications?commune=&status=&level=&channel=&page=`,
 * permission `eid.decide`): applications handled within the officer's unit, oldest first, filtered
 * by commune, level and channel, with the count of each status under those filters; by default the
 * verified ones, which await a decision (`status=all` for every status). Numbers are masked; each
 * row opens the application.
 */
import { useEffect } from 'react';
import { Button, Form, Input, Radio, Select, Table, type TableColumnsType } from 'antd';
import { RequireStaff } from '../../components/RequireStaff.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { formatPartialDate } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { listApplications, type ApplicationDto } from './api.js';
import { APPLICATION_STATUSES, AppStatusTag, channelLabel, CHANNELS, formatMoment, levelLabel, PageHead, type ApplicationStatus, type Channel } from './common.js';

const PAGE_SIZES = [20, 50, 100];
const UNIT = /^\d{2,5}$/;

export interface QueueView {
  commune?: string;
  /** `all`, or one status; verified (awaiting a decision) when the address names none. */
  status: ApplicationStatus | 'all';
  level?: 1 | 2;
  channel?: Channel;
  page: number;
  pageSize: number;
}

export function queueHref(v: Partial<QueueView>): string {
  return hrefOf('/eid/applications', {
    commune: v.commune,
    status: v.status && v.status !== 'verified' ? v.status : undefined,
    level: v.level ? String(v.level) : undefined,
    channel: v.channel,
    page: v.page && v.page > 1 ? String(v.page) : undefined,
    pageSize: v.pageSize && v.pageSize !== PAGE_SIZES[0] ? String(v.pageSize) : undefined,
  });
}

function viewOf(search: URLSearchParams): QueueView {
  const status = search.get('status') ?? '';
  const channel = search.get('channel') ?? '';
  const level = Number(search.get('level'));
  const commune = search.get('commune') ?? '';
  const page = Number(search.get('page'));
  const size = Number(search.get('pageSize'));
  return {
    commune: UNIT.test(commune) ? commune : undefined,
    status: status === 'all' || (APPLICATION_STATUSES as readonly string[]).includes(status) ? (status as QueueView['status']) : 'verified',
    level: level === 1 || level === 2 ? level : undefined,
    channel: (CHANNELS as readonly string[]).includes(channel) ? (channel as Channel) : undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0]!,
  };
}

export function QueuePage() {
  return (
    <RequireStaff permission="eid.decide">
      <Queue />
    </RequireStaff>
  );
}

function Queue() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const view = viewOf(search);
  const remote = useRemote(JSON.stringify([view, lang]), (signal) =>
    listApplications({ commune: view.commune, status: view.status === 'all' ? undefined : view.status, level: view.level, channel: view.channel, page: view.page, pageSize: view.pageSize }, { lang, signal }),
  );
  const counts = remote.data?.counts ?? {};
  const all = Object.values(counts).reduce((a, b) => a + b, 0);

  const columns: TableColumnsType<ApplicationDto> = [
    { key: 'id', title: t('eid.queue.col.id'), render: (_, a) => <span className="number">{a.id}</span>, responsive: ['sm'] },
    {
      key: 'name',
      title: t('eid.queue.col.name'),
      render: (_, a) => (
        <>
          <Link href={`/eid/applications/${a.id}`} className="person-name">
            {a.fullName}
          </Link>
          <div className="muted number">{a.pinMasked}</div>
        </>
      ),
    },
    { key: 'dob', title: t('eid.dob'), render: (_, a) => formatPartialDate(a.dateOfBirth), responsive: ['md'] },
    { key: 'level', title: t('eid.level'), render: (_, a) => levelLabel(t, a.level) },
    { key: 'channel', title: t('eid.channel'), render: (_, a) => channelLabel(t, a.channel), responsive: ['md'] },
    { key: 'status', title: t('eid.status'), render: (_, a) => <AppStatusTag status={a.status} /> },
    { key: 'unit', title: t('eid.queue.col.unit'), render: (_, a) => <span className="number">{a.unit.code}</span>, responsive: ['lg'] },
    { key: 'at', title: t('eid.queue.col.received'), render: (_, a) => formatMoment(a.createdAt, lang), responsive: ['lg'] },
  ];

  return (
    <>
      <PageHead title="eid.queue.title" intro={t('eid.queue.intro')} />
      <Filters view={view} />
      <Radio.Group
        className="eid-status-filter"
        aria-label={t('eid.status')}
        optionType="button"
        value={view.status}
        onChange={(e) => navigate(queueHref({ ...view, status: e.target.value as QueueView['status'], page: 1 }))}
        options={[
          { value: 'all', label: t('eid.queue.all', { n: all }) },
          ...APPLICATION_STATUSES.map((s) => ({ value: s, label: t('eid.queue.count', { status: t(`eid.appStatus.${s}`), n: counts[s] ?? 0 }) })),
        ]}
      />
      {remote.error !== undefined ? (
        <ProblemAlert error={remote.error} onRetry={remote.retry} />
      ) : (
        <Table<ApplicationDto>
          className="unit-table eid-queue"
          caption={remote.data ? t('eid.queue.caption', { total: remote.data.total.toLocaleString(lang) }) : undefined}
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={remote.data?.items ?? []}
          loading={remote.loading}
          locale={{ emptyText: remote.loading ? ' ' : <p className="empty">{t('eid.queue.empty')}</p> }}
          onRow={(a) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && navigate(`/eid/applications/${a.id}`) })}
          pagination={
            remote.data && (remote.data.total > view.pageSize || view.page > 1)
              ? {
                  current: view.page,
                  pageSize: view.pageSize,
                  total: remote.data.total,
                  pageSizeOptions: PAGE_SIZES,
                  showSizeChanger: true,
                  onChange: (page, size) => navigate(queueHref({ ...view, page: size === view.pageSize ? page : 1, pageSize: size })),
                }
              : false
          }
        />
      )}
    </>
  );
}

interface FilterValues {
  commune?: string;
  level?: 1 | 2 | 0;
  channel?: Channel | '';
}

function Filters({ view }: { view: QueueView }) {
  const { t } = useI18n();
  const [form] = Form.useForm<FilterValues>();
  useEffect(() => form.setFieldsValue({ commune: view.commune ?? '', level: view.level ?? 0, channel: view.channel ?? '' }), [form, view.commune, view.level, view.channel]);
  const submit = (v: FilterValues) => navigate(queueHref({ ...view, commune: v.commune?.trim() || undefined, level: v.level || undefined, channel: v.channel || undefined, page: 1 }));
  return (
    <Form<FilterValues> form={form} layout="vertical" className="filters eid-filters" role="search" onFinish={submit} requiredMark={false} name="eid-queue-filters">
      <Form.Item name="commune" label={t('eid.queue.commune')} className="eid-filter-unit" rules={[{ pattern: UNIT, message: t('eid.queue.communeInvalid') }]}>
        <Input inputMode="numeric" maxLength={5} placeholder="10897" autoComplete="off" allowClear />
      </Form.Item>
      <Form.Item name="level" label={t('eid.level')} className="eid-filter-select">
        <Select options={[{ value: 0, label: t('eid.queue.anyLevel') }, { value: 1, label: levelLabel(t, 1) }, { value: 2, label: levelLabel(t, 2) }]} />
      </Form.Item>
      <Form.Item name="channel" label={t('eid.channel')} className="eid-filter-select">
        <Select options={[{ value: '', label: t('eid.queue.anyChannel') }, ...CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))]} />
      </Form.Item>
      <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Button type="primary" htmlType="submit">
          {t('eid.queue.filter')}
        </Button>
      </Form.Item>
    </Form>
  );
}
