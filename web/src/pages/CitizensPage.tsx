/**
 * Citizen lookup (`/citizens?q=&birthYear=&unit=&page=&pageSize=`): name words, year of birth and
 * unit within the officer's own unit. The first search of a session asks for the purpose; the list
 * shows masked identification numbers and links to each record.
 */
import { useEffect, useState } from 'react';
import { Button, Form, Input, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { findCitizens, problemCode, type CitizenListItemDto } from '../api.js';
import { rememberSearch, sexKey, statusClass, statusKey } from '../citizenText.js';
import { PurposeBar, PurposeDialog } from '../components/Purpose.js';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { RequireStaff } from '../components/RequireStaff.js';
import { datePrecision, formatPartialDate } from '../dates.js';
import { useI18n } from '../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useRemote } from '../useRemote.js';

const PAGE_SIZES = [20, 50, 100];
const UNIT = /^\d{2,5}$/;
const YEAR = /^\d{4}$/;

export interface CitizenSearchView {
  q?: string;
  birthYear?: string;
  unit?: string;
  page: number;
  pageSize: number;
}

export function citizensHref(v: Partial<CitizenSearchView>): string {
  return hrefOf('/citizens', {
    q: v.q,
    birthYear: v.birthYear,
    unit: v.unit,
    page: v.page && v.page > 1 ? String(v.page) : undefined,
    pageSize: v.pageSize && v.pageSize !== PAGE_SIZES[0] ? String(v.pageSize) : undefined,
  });
}

function viewOf(search: URLSearchParams): CitizenSearchView {
  const year = search.get('birthYear') ?? '';
  const unit = search.get('unit') ?? '';
  const page = Number(search.get('page'));
  const size = Number(search.get('pageSize'));
  return {
    q: search.get('q')?.trim().slice(0, 100) || undefined,
    birthYear: YEAR.test(year) && Number(year) >= 1880 ? year : undefined,
    unit: UNIT.test(unit) ? unit : undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0]!,
  };
}

export function CitizensPage() {
  return (
    <RequireStaff permission="citizen.read">
      <CitizenSearch />
    </RequireStaff>
  );
}

function CitizenSearch() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const view = viewOf(search);
  const hasCriteria = Boolean(view.q || view.birthYear || view.unit);
  const [asking, setAsking] = useState(false);

  useEffect(() => rememberSearch(citizensHref(view)));
  // The first search of a session asks why.
  useEffect(() => {
    if (hasCriteria && !session.purpose) setAsking(true);
  }, [hasCriteria, session.purpose]);

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('citizens.title')}
      </Typography.Title>
      <Typography.Paragraph className="page-intro">{t('citizens.intro')}</Typography.Paragraph>
      <PurposeBar purpose={session.purpose} onChange={() => setAsking(true)} />
      <Filters view={view} />
      {hasCriteria && !session.purpose && !asking && <PurposeNeeded onState={() => setAsking(true)} />}
      {hasCriteria && session.purpose && <Results view={view} />}
      <PurposeDialog
        open={asking}
        initial={session.purpose}
        onCancel={() => setAsking(false)}
        onDone={(p) => {
          session.setPurpose(p);
          setAsking(false);
        }}
      />
    </>
  );
}

function PurposeNeeded({ onState }: { onState: () => void }) {
  const { t } = useI18n();
  return (
    <p className="empty">
      {t('purpose.neededToSearch')}{' '}
      <Button type="link" className="inline-button" onClick={onState}>
        {t('purpose.state')}
      </Button>
    </p>
  );
}

interface FilterValues {
  q?: string;
  birthYear?: string;
  unit?: string;
}

function Filters({ view }: { view: CitizenSearchView }) {
  const { t } = useI18n();
  const [form] = Form.useForm<FilterValues>();
  useEffect(() => form.setFieldsValue({ q: view.q ?? '', birthYear: view.birthYear ?? '', unit: view.unit ?? '' }), [form, view.q, view.birthYear, view.unit]);
  const thisYear = new Date().getFullYear();

  const submit = (v: FilterValues) =>
    navigate(citizensHref({ q: v.q?.trim() || undefined, birthYear: v.birthYear?.trim() || undefined, unit: v.unit?.trim() || undefined, pageSize: view.pageSize }));

  return (
    <Form<FilterValues> form={form} layout="vertical" className="filters citizen-filters" role="search" onFinish={submit} requiredMark={false} name="citizen-search">
      <Form.Item
        name="q"
        label={t('citizens.q')}
        className="field-grow"
        dependencies={['birthYear', 'unit']}
        rules={[
          ({ getFieldValue }) => ({
            validator: async (_, q?: string) => {
              if (!q?.trim() && !String(getFieldValue('birthYear') ?? '').trim() && !String(getFieldValue('unit') ?? '').trim()) throw new Error(t('citizens.criteriaRequired'));
            },
          }),
        ]}
      >
        <Input maxLength={100} allowClear placeholder={t('citizens.qPlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="birthYear"
        label={t('citizens.birthYear')}
        className="field-year"
        rules={[{ validator: async (_, v?: string) => { if (v?.trim() && (!YEAR.test(v.trim()) || Number(v) < 1880 || Number(v) > thisYear)) throw new Error(t('citizens.birthYearInvalid')); } }]}
      >
        <Input inputMode="numeric" maxLength={4} placeholder="1990" autoComplete="off" />
      </Form.Item>
      <Form.Item name="unit" label={t('citizens.unit')} className="field-unit" rules={[{ pattern: UNIT, message: t('citizens.unitInvalid') }]}>
        <Input inputMode="numeric" maxLength={5} placeholder={t('citizens.unitPlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Button type="primary" htmlType="submit">
          {t('citizens.search')}
        </Button>
      </Form.Item>
    </Form>
  );
}

function Results({ view }: { view: CitizenSearchView }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const purpose = session.purpose!;
  const remote = useRemote(JSON.stringify([view, purpose, lang]), (signal) =>
    findCitizens({ q: view.q, birthYear: view.birthYear ? Number(view.birthYear) : undefined, unit: view.unit, page: view.page, pageSize: view.pageSize }, purpose, { lang, signal }),
  );
  const code = problemCode(remote.error);

  // The server does not accept the purpose (the catalogue changed): forget it, which asks again.
  const { setPurpose } = session;
  useEffect(() => {
    if (code === 'PURPOSE_REQUIRED' || code === 'PURPOSE_UNKNOWN') setPurpose(null);
  }, [code, setPurpose]);

  const hrefOfRecord = (c: CitizenListItemDto) => `/citizens/${c.ref}`;
  const columns: TableColumnsType<CitizenListItemDto> = [
    {
      key: 'name',
      title: t('citizens.col.name'),
      render: (_, c) => (
        <>
          <Link href={hrefOfRecord(c)} className="person-name">
            {c.fullName}
          </Link>
          {/* On a phone the number goes under the name (its own column is hidden there). */}
          <div className="muted number narrow-only">
            <span className="visually-hidden">{t('citizens.col.pin')}: </span>
            {c.pinMasked}
          </div>
        </>
      ),
    },
    { key: 'pin', title: t('citizens.col.pin'), render: (_, c) => <span className="number">{c.pinMasked}</span>, responsive: ['sm'] },
    {
      key: 'dob',
      title: t('citizens.col.dob'),
      render: (_, c) => (
        <span title={datePrecision(c.dateOfBirth) === 'year' ? t('dob.yearOnly') : datePrecision(c.dateOfBirth) === 'month' ? t('dob.monthOnly') : undefined}>
          {formatPartialDate(c.dateOfBirth)}
        </span>
      ),
    },
    { key: 'sex', title: t('citizens.col.sex'), render: (_, c) => t(sexKey(c.sex)), responsive: ['md'] },
    {
      key: 'residence',
      title: t('citizens.col.residence'),
      responsive: ['md'],
      render: (_, c) =>
        c.residence ? (
          <>
            {c.residence.addressLine && <div>{c.residence.addressLine}</div>}
            <div className="muted">{t('citizens.unitCode', { code: c.residence.unitCode })}</div>
          </>
        ) : (
          <span className="muted">{t('record.notRecorded')}</span>
        ),
    },
    { key: 'status', title: t('citizens.col.status'), responsive: ['lg'], render: (_, c) => <Tag className={statusClass(c.status)}>{t(statusKey(c.status))}</Tag> },
  ];

  if (remote.error) return <ProblemAlert error={remote.error} onRetry={remote.retry} />;
  const total = remote.data?.total;
  return (
    <Table<CitizenListItemDto>
      className="unit-table citizen-table"
      caption={total === undefined ? undefined : t(remote.data?.totalCapped ? 'citizens.captionCapped' : 'citizens.caption', { total: total.toLocaleString(lang) })}
      rowKey="ref"
      size="middle"
      columns={columns}
      dataSource={remote.data?.items ?? []}
      loading={remote.loading}
      locale={{ emptyText: remote.loading ? ' ' : <p className="empty">{t('citizens.empty')}</p> }}
      onRow={(c) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && navigate(hrefOfRecord(c)) })}
      pagination={
        total !== undefined && (total > view.pageSize || view.page > 1)
          ? {
              current: view.page,
              pageSize: view.pageSize,
              total,
              pageSizeOptions: PAGE_SIZES,
              showSizeChanger: true,
              onChange: (page, size) => navigate(citizensHref({ ...view, page: size === view.pageSize ? page : 1, pageSize: size })),
            }
          : false
      }
    />
  );
}
