/**
 * The officer's work queue (`/dossiers?state=&service=&channel=&overdue=1&handler=&q=&from=&to=&page=`),
 * for staff with `dossier.process`: a tab per workflow state with its count (under the other
 * filters), filters, the dossiers oldest first with overdue ones marked, due dates as Vietnam
 * dates, and the register (form 07) of the filtered period.
 */
import { useEffect } from 'react';
import { Button, Checkbox, DatePicker, Form, Input, Select, Table, Tag, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { DownloadButton } from '../../components/DownloadButton.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { parseIsoDate, todayInVietnam } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { listServices } from '../services/api.js';
import { listQueue, type QueueItem } from './api.js';
import { CHANNELS, channelLabel, formatDay, formatMoment, PageHead, StateTag, STATES, stateLabel, type Channel, type DossierState } from './common.js';

const PAGE_SIZES = [20, 50, 100];
const SERVICE = /^(?:[0-9]\.[0-9]{6}|P\.[0-9]{6})$/;
const HANDLER = /^[a-z0-9._-]{1,64}$/;

interface View {
  state?: DossierState;
  service?: string;
  channel?: Channel;
  handler?: string;
  overdue: boolean;
  q?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

function viewOf(s: URLSearchParams): View {
  const state = s.get('state');
  const channel = s.get('channel');
  const service = s.get('service') ?? '';
  const handler = s.get('handler') ?? '';
  const page = Number(s.get('page'));
  const size = Number(s.get('pageSize'));
  return {
    state: state && (STATES as readonly string[]).includes(state) ? (state as DossierState) : undefined,
    service: SERVICE.test(service) ? service : undefined,
    channel: channel && (CHANNELS as readonly string[]).includes(channel) ? (channel as Channel) : undefined,
    handler: HANDLER.test(handler) ? handler : undefined,
    overdue: s.get('overdue') === '1',
    q: s.get('q')?.trim().slice(0, 80) || undefined,
    from: parseIsoDate(s.get('from')),
    to: parseIsoDate(s.get('to')),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0]!,
  };
}

export function queueHref(v: Partial<View>): string {
  return hrefOf('/dossiers', {
    state: v.state,
    service: v.service,
    channel: v.channel,
    handler: v.handler,
    overdue: v.overdue ? '1' : undefined,
    q: v.q,
    from: v.from,
    to: v.to,
    page: v.page && v.page > 1 ? String(v.page) : undefined,
    pageSize: v.pageSize && v.pageSize !== PAGE_SIZES[0] ? String(v.pageSize) : undefined,
  });
}

export function QueuePage() {
  return (
    <RequireStaff permission="dossier.process">
      <Queue />
    </RequireStaff>
  );
}

function Queue() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const view = viewOf(search);
  const remote = useRemote(JSON.stringify([view, lang]), (signal) =>
    listQueue(
      { state: view.state, service: view.service, channel: view.channel, handler: view.handler, overdue: view.overdue || undefined, q: view.q, from: view.from, to: view.to, page: view.page, pageSize: view.pageSize },
      { lang, signal },
    ),
  );
  const counts = remote.data?.counts ?? {};
  const all = Object.values(counts).reduce((a, b) => a + b, 0);

  return (
    <>
      <PageHead title={t('queue.title')} intro={t('queue.intro')} />
      <Filters view={view} />
      <StateFilter view={view} counts={remote.data ? counts : undefined} all={remote.data ? all : undefined} />
      {remote.error !== undefined ? <ProblemAlert error={remote.error} onRetry={remote.retry} /> : <Results view={view} items={remote.data?.items} total={remote.data?.total} loading={remote.loading} />}
      <Register view={view} />
    </>
  );
}

/**
 * The states with their counts as links (all of them visible and wrapping; on a phone the empty
 * ones are left out), the current one marked: a filter of the list, so links with
 * `aria-current` rather than tabs.
 */
function StateFilter({ view, counts, all }: { view: View; counts: Record<string, number> | undefined; all: number | undefined }) {
  const { t, lang } = useI18n();
  const entries: { key: DossierState | 'all'; label: string; n: number | undefined }[] = [
    { key: 'all', label: t('queue.all'), n: all },
    ...STATES.map((s) => ({ key: s, label: stateLabel(t, s), n: counts ? (counts[s] ?? 0) : undefined })),
  ];
  return (
    <nav className="state-filter" aria-label={t('queue.tabs')}>
      <ul>
        {entries.map((e) => {
          const current = (view.state ?? 'all') === e.key;
          return (
            <li key={e.key} className={e.n === 0 && !current ? 'state-empty' : undefined}>
              <Link
                href={queueHref({ ...view, state: e.key === 'all' ? undefined : e.key, page: 1 })}
                aria-current={current ? 'page' : undefined}
                className={['state-link', current ? 'state-link-current' : '', e.n === 0 ? 'state-link-empty' : ''].filter(Boolean).join(' ')}
              >
                <span>{e.label}</span>{' '}
                <span className="state-count">{e.n === undefined ? '…' : e.n.toLocaleString(lang)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

interface FilterValues {
  service?: string;
  channel?: Channel | '';
  handler?: string;
  q?: string;
  from?: Dayjs | null;
  to?: Dayjs | null;
  overdue?: boolean;
}

function Filters({ view }: { view: View }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<FilterValues>();
  const services = useRemote(`services|${lang}`, (signal) => listServices({}, { lang, signal }));
  useEffect(
    () =>
      form.setFieldsValue({
        service: view.service ?? '',
        channel: view.channel ?? '',
        handler: view.handler ?? '',
        q: view.q ?? '',
        from: view.from ? dayjs(view.from) : null,
        to: view.to ? dayjs(view.to) : null,
        overdue: view.overdue,
      }),
    [form, view.service, view.channel, view.handler, view.q, view.from, view.to, view.overdue],
  );
  const submit = (v: FilterValues) =>
    navigate(
      queueHref({
        state: view.state,
        service: v.service || undefined,
        channel: v.channel || undefined,
        handler: v.handler?.trim() || undefined,
        q: v.q?.trim() || undefined,
        from: v.from?.format('YYYY-MM-DD'),
        to: v.to?.format('YYYY-MM-DD'),
        overdue: Boolean(v.overdue),
        pageSize: view.pageSize,
      }),
    );
  return (
    <Form<FilterValues> form={form} layout="vertical" className="filters queue-filters" role="search" name="queue-filter" onFinish={submit} requiredMark={false}>
      <Form.Item name="q" label={t('queue.q')} className="field-code">
        <Input maxLength={80} allowClear placeholder={t('queue.qPlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item name="service" label={t('queue.service')} className="field-service">
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={[{ value: '', label: t('queue.anyService') }, ...(services.data?.items ?? []).map((s) => ({ value: s.code, label: `${lang === 'vi' ? s.nameVi : s.nameEn} (${s.code})` }))]}
        />
      </Form.Item>
      <details className="more-filters" open={Boolean(view.channel || view.handler || view.from || view.to)}>
        <summary>{t('queue.more')}</summary>
        <div className="more-filters-body">
          <Form.Item name="channel" label={t('queue.channel')} className="field-channel">
            <Select options={[{ value: '', label: t('queue.anyChannel') }, ...CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))]} />
          </Form.Item>
          <Form.Item name="handler" label={t('queue.handler')} className="field-handler">
            <Input maxLength={64} autoComplete="off" />
          </Form.Item>
          <Form.Item name="from" label={t('queue.from')} className="field-date">
            <DatePicker format="DD/MM/YYYY" placeholder={t('filing.datePlaceholder')} />
          </Form.Item>
          <Form.Item name="to" label={t('queue.to')} className="field-date">
            <DatePicker format="DD/MM/YYYY" placeholder={t('filing.datePlaceholder')} />
          </Form.Item>
        </div>
      </details>
      <Form.Item name="overdue" valuePropName="checked" className="field-check" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Checkbox>{t('queue.overdueOnly')}</Checkbox>
      </Form.Item>
      <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <div className="button-row">
          <Button type="primary" htmlType="submit">
            {t('queue.filter')}
          </Button>
          <Button onClick={() => navigate(queueHref({ state: view.state }))}>{t('queue.clear')}</Button>
        </div>
      </Form.Item>
    </Form>
  );
}

function Results({ view, items, total, loading }: { view: View; items: QueueItem[] | undefined; total: number | undefined; loading: boolean }) {
  const { t, lang } = useI18n();
  const href = (d: QueueItem) => `/dossiers/${d.code}`;
  const serviceName = (d: QueueItem) => (lang === 'en' ? (d.serviceNameEn ?? d.serviceName) : d.serviceName);
  const columns: TableColumnsType<QueueItem> = [
    {
      key: 'code',
      title: t('queue.col.code'),
      render: (_, d) => (
        <>
          <Link href={href(d)} className="dossier-code">
            {d.code}
          </Link>
          {/* On a phone the service, applicant and state go under the code. */}
          <div className="narrow-only">
            <div>{serviceName(d)}</div>
            <div className="muted">{d.applicantName}</div>
            <StateTag state={d.state} t={t} />
          </div>
        </>
      ),
    },
    { key: 'service', title: t('queue.col.service'), responsive: ['sm'], render: (_, d) => <span>{serviceName(d)}</span> },
    {
      key: 'applicant',
      title: t('queue.col.applicant'),
      responsive: ['sm'],
      render: (_, d) => (
        <>
          <div>{d.applicantName}</div>
          {d.applicantPinMasked && <div className="muted number">{d.applicantPinMasked}</div>}
        </>
      ),
    },
    { key: 'channel', title: t('queue.col.channel'), responsive: ['lg'], render: (_, d) => channelLabel(t, d.channel) },
    { key: 'submitted', title: t('queue.col.submitted'), responsive: ['md'], render: (_, d) => <span className="number">{formatMoment(d.submittedAt, lang)}</span> },
    {
      key: 'due',
      title: t('queue.col.due'),
      render: (_, d) => (
        <>
          <span className={d.overdue ? 'number due-overdue' : 'number'}>{formatDay(d.dueDate)}</span>
          {d.overdue && <Tag className="tag-overdue">{t('dossiers.overdue')}</Tag>}
          {d.clockPaused && <Tag className="tag-paused">{t('dossiers.paused')}</Tag>}
        </>
      ),
    },
    { key: 'handler', title: t('queue.col.handler'), responsive: ['xl'], render: (_, d) => d.handler ?? <span className="muted">—</span> },
    { key: 'state', title: t('queue.col.state'), responsive: ['sm'], render: (_, d) => <StateTag state={d.state} t={t} /> },
  ];
  return (
    <Table<QueueItem>
      className="unit-table queue-table"
      caption={total === undefined ? undefined : t('queue.caption', { total: total.toLocaleString(lang) })}
      rowKey="code"
      size="middle"
      columns={columns}
      dataSource={items ?? []}
      loading={loading}
      rowClassName={(d) => (d.overdue ? 'row-overdue' : '')}
      locale={{ emptyText: loading ? ' ' : <p className="empty">{t('queue.empty')}</p> }}
      onRow={(d) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && navigate(href(d)) })}
      pagination={
        total !== undefined && (total > view.pageSize || view.page > 1)
          ? {
              current: view.page,
              pageSize: view.pageSize,
              total,
              pageSizeOptions: PAGE_SIZES,
              showSizeChanger: true,
              onChange: (page, size) => navigate(queueHref({ ...view, page: size === view.pageSize ? page : 1, pageSize: size })),
            }
          : false
      }
    />
  );
}

/** The register (form 07) of the filtered period, else of this month so far. */
function Register({ view }: { view: View }) {
  const { t } = useI18n();
  const today = todayInVietnam();
  const to = view.to ?? today;
  const from = view.from ?? `${to.slice(0, 8)}01`;
  if (from > to) return null;
  const path = (format: 'xlsx' | 'pdf') => `/api/v1/dossiers/register.${format}?from=${from}&to=${to}`;
  return (
    <section className="register" aria-labelledby="register-heading">
      <h2 id="register-heading" className="section-heading">
        {t('queue.register', { from: formatDay(from), to: formatDay(to) })}
      </h2>
      <div className="button-row">
        <DownloadButton path={path('xlsx')} fallbackName={`so-theo-doi-ho-so-${from}-${to}.xlsx`} label={t('queue.registerXlsx')} />
        <DownloadButton path={path('pdf')} fallbackName={`so-theo-doi-ho-so-${from}-${to}.pdf`} label={t('queue.registerPdf')} />
      </div>
    </section>
  );
}
