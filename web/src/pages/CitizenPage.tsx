/**
 * One citizen's record (`/citizens/{ref}?tab=record|history|access-log`), read under the session's
 * purpose: the full record with unit names as they were on each place's date, the change history,
 * and (with permission citizen.access-log) who read or changed it.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Card, Descriptions, Table, Tabs, Tag, Typography, type DescriptionsProps, type TableColumnsType } from 'antd';
import {
  decodeHeaderText,
  getAccessLog,
  getCitizen,
  getCitizenHistory,
  problemCode,
  type AccessLogEntry,
  type CitizenDto,
  type HistoryEntry,
} from '../api.js';
import { countryName, lastSearchHref, relationKey, sexKey, statusClass, statusKey } from '../citizenText.js';
import { PurposeBar, PurposeDialog, usePurposes } from '../components/Purpose.js';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { RequireStaff } from '../components/RequireStaff.js';
import { UnitName } from '../components/UnitName.js';
import { datePrecision, formatInstant, formatPartialDate } from '../dates.js';
import { actionLabel, fieldLabel, useI18n } from '../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useMediaQuery, WIDE } from '../useMediaQuery.js';
import { useRemote } from '../useRemote.js';

const TABS = ['record', 'history', 'access-log'] as const;
type Tab = (typeof TABS)[number];
const PAGE_SIZE = 20;

export function CitizenPage({ citizenKey }: { citizenKey: string }) {
  return (
    <RequireStaff permission="citizen.read">
      <CitizenRecord citizenKey={citizenKey} />
    </RequireStaff>
  );
}

function CitizenRecord({ citizenKey }: { citizenKey: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const { pathname, search } = useLocation();
  const purpose = session.purpose;
  const [asking, setAsking] = useState(false);
  const canSeeLog = session.can('citizen.access-log');
  const requested = search.get('tab') as Tab | null;
  const tab: Tab = requested && TABS.includes(requested) && (requested !== 'access-log' || canSeeLog) ? requested : 'record';

  useEffect(() => {
    if (!purpose) setAsking(true);
  }, [purpose]);

  const record = useRemote(purpose ? JSON.stringify([citizenKey, purpose, lang]) : null, (signal) => getCitizen(citizenKey, purpose!, { lang, signal }));
  const citizen = record.data;
  const code = problemCode(record.error);
  const { setPurpose } = session;
  useEffect(() => {
    if (code === 'PURPOSE_REQUIRED' || code === 'PURPOSE_UNKNOWN') setPurpose(null);
  }, [code, setPurpose]);

  const tabs = [
    { key: 'record', label: t('record.tab.record'), children: citizen && <RecordDetail citizen={citizen} /> },
    { key: 'history', label: t('record.tab.history'), children: citizen && purpose && <History citizenKey={citizenKey} /> },
    ...(canSeeLog ? [{ key: 'access-log', label: t('record.tab.accessLog'), children: citizen && <AccessLog pin={citizen.pin} /> }] : []),
  ];

  return (
    <>
      <div className="trail">
        <Link href={lastSearchHref()}>
          <span aria-hidden="true">← </span>
          {t('record.back')}
        </Link>
      </div>
      <Typography.Title level={1} className="page-title">
        {citizen ? citizen.fullName : t('record.title')}{' '}
        {citizen && (
          <Tag className={`title-tag ${statusClass(citizen.status)}`}>
            {t(statusKey(citizen.status))}
          </Tag>
        )}
      </Typography.Title>
      <PurposeBar purpose={purpose} onChange={() => setAsking(true)} />
      {!purpose && !asking && <p className="empty">{t('purpose.neededToOpen')}</p>}
      {record.error !== undefined && (
        <ProblemAlert error={record.error} onRetry={record.retry}>
          {code === 'CITIZEN_NOT_FOUND' && <p className="alert-text">{t('record.notFoundHint')}</p>}
        </ProblemAlert>
      )}
      {record.loading && !citizen && <Card loading className="record-card" />}
      {citizen && (
        <Tabs
          className="record-tabs"
          activeKey={tab}
          items={tabs}
          aria-label={t('record.tabs')}
          onChange={(key) => navigate(hrefOf(pathname, { tab: key === 'record' ? undefined : key }))}
        />
      )}
      <PurposeDialog
        open={asking}
        initial={purpose}
        onCancel={() => setAsking(false)}
        onDone={(p) => {
          session.setPurpose(p);
          setAsking(false);
        }}
      />
    </>
  );
}

function Section({ title, items }: { title: string; items: DescriptionsProps['items'] }) {
  // On a phone each label goes above its value (side by side, both would be too narrow), as a
  // plain list: a bordered grid would spend a row on every label.
  const wide = useMediaQuery(WIDE);
  return (
    <Card className="record-card" title={<h2 className="card-heading">{title}</h2>}>
      <Descriptions
        bordered={wide}
        colon={false}
        size="small"
        layout={wide ? 'horizontal' : 'vertical'}
        column={{ xs: 1, sm: 1, md: 1, lg: 2, xl: 2, xxl: 2 }}
        items={items}
      />
    </Card>
  );
}

function RecordDetail({ citizen: c }: { citizen: CitizenDto }) {
  const { t, lang } = useI18n();
  const none = <span className="muted">{t('record.notRecorded')}</span>;
  const text = (v: string | null | undefined): ReactNode => (v ? v : none);
  const precision = datePrecision(c.dateOfBirth);
  const place = (p: CitizenDto['permanentResidence'] | CitizenDto['birthRegistration'] | undefined): ReactNode => {
    if (!p) return none;
    const address = 'addressLine' in p ? p.addressLine : null;
    const since = 'since' in p ? p.since : null;
    return (
      <div className="place">
        {address && <div className="place-address">{address}</div>}
        <div>
          <UnitName code={p.unitCode} at={p.unitDate} />
        </div>
        {since && <div className="muted">{t('record.since', { date: formatPartialDate(since) })}</div>}
      </div>
    );
  };
  const card = c.identityCard;

  return (
    <>
      <Section
        title={t('record.section.person')}
        items={[
          { key: 'pin', label: t('record.pin'), children: <span className="number">{c.pin}</span> },
          { key: 'fullName', label: t('record.fullName'), children: c.fullName },
          ...(c.otherNames ? [{ key: 'otherNames', label: t('record.otherNames'), children: c.otherNames }] : []),
          {
            key: 'dob',
            label: t('record.dob'),
            // One element: the content cell lays its children out side by side.
            children: (
              <span>
                {formatPartialDate(c.dateOfBirth)}
                {precision !== 'day' && <span className="muted"> ({t(precision === 'year' ? 'dob.yearOnly' : 'dob.monthOnly')})</span>}
              </span>
            ),
          },
          { key: 'sex', label: t('record.sex'), children: t(sexKey(c.sex)) },
          { key: 'nationality', label: t('record.nationality'), children: countryName(c.nationality, lang) },
          { key: 'ethnicity', label: t('record.ethnicity'), children: text(c.ethnicity) },
          { key: 'religion', label: t('record.religion'), children: text(c.religion) },
          { key: 'status', label: t('record.status'), children: t(statusKey(c.status)) },
          ...(c.deceasedOn ? [{ key: 'deceasedOn', label: t('record.deceasedOn'), children: formatPartialDate(c.deceasedOn) }] : []),
        ]}
      />
      <Section
        title={t('record.section.residence')}
        items={[
          { key: 'permanent', label: t('record.permanentResidence'), children: place(c.permanentResidence), span: 'filled' },
          { key: 'current', label: t('record.currentResidence'), children: place(c.currentResidence), span: 'filled' },
          { key: 'temporary', label: t('record.temporaryResidence'), children: place(c.temporaryResidence), span: 'filled' },
          { key: 'birth', label: t('record.birthRegistration'), children: place(c.birthRegistration), span: 'filled' },
          { key: 'homeTown', label: t('record.homeTown'), children: place(c.homeTown), span: 'filled' },
        ]}
      />
      <Section
        title={t('record.section.family')}
        items={[
          { key: 'household', label: t('record.householdNumber'), children: text(c.household?.number) },
          { key: 'relation', label: t('record.relation'), children: c.household ? t(relationKey(c.household.relation)) : none },
          { key: 'head', label: t('record.householdHead'), children: c.household ? <span className="number">{c.household.headPin}</span> : none },
          { key: 'father', label: t('record.father'), children: c.fatherPin ? <span className="number">{c.fatherPin}</span> : none },
          { key: 'mother', label: t('record.mother'), children: c.motherPin ? <span className="number">{c.motherPin}</span> : none },
          { key: 'spouse', label: t('record.spouse'), children: c.spousePin ? <span className="number">{c.spousePin}</span> : none },
        ]}
      />
      <Section
        title={t('record.section.contact')}
        items={[
          { key: 'phone', label: t('record.phone'), children: c.phone ? <span className="number">{c.phone}</span> : none },
          { key: 'email', label: t('record.email'), children: text(c.email) },
          {
            key: 'card',
            label: t('record.card'),
            span: 'filled',
            children: card ? (
              <span>
                <span className="number">{card.number}</span>
                <span className="muted">
                  {[card.issuedOn && t('record.cardIssued', { date: formatPartialDate(card.issuedOn) }), card.expiresOn && t('record.cardExpires', { date: formatPartialDate(card.expiresOn) }), card.chip && t('record.cardChip')]
                    .filter(Boolean)
                    .map((s) => ` · ${s}`)
                    .join('')}
                </span>
              </span>
            ) : (
              none
            ),
          },
        ]}
      />
      <p className="muted record-version">{t('record.version', { version: c.version, at: formatInstant(c.updatedAt, lang) })}</p>
    </>
  );
}

/**
 * The note of a read as the audit log keeps it: `dossier <code> · <note>` (the server joins the
 * dossier code and the note, which travelled percent-encoded), shown in the UI's language.
 */
function PurposeNote({ note }: { note: string }) {
  const { t } = useI18n();
  const m = /^dossier ([A-Za-z0-9.-]{1,60})(?: · ([\s\S]*))?$/.exec(note);
  const parts = m ? [t('purpose.dossierOf', { code: m[1]! }), m[2] ? decodeHeaderText(m[2]) : undefined] : [decodeHeaderText(note)];
  return <div className="muted">{parts.filter(Boolean).join(' · ')}</div>;
}

function show(v: unknown, blank: string): string {
  if (v === null || v === undefined || v === '') return blank;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function History({ citizenKey }: { citizenKey: string }) {
  const { t, lang } = useI18n();
  const purpose = useSession().purpose!;
  const [page, setPage] = useState(1);
  const remote = useRemote(JSON.stringify([citizenKey, purpose, page, lang]), (signal) => getCitizenHistory(citizenKey, { page, pageSize: PAGE_SIZE }, purpose, { lang, signal }));

  const source = (s: string) => {
    const m = /^import:(\d+)$/.exec(s);
    return m ? t('history.source.import', { id: m[1]! }) : s === 'api' ? t('history.source.api') : s;
  };
  const columns: TableColumnsType<HistoryEntry> = [
    { key: 'version', title: t('history.col.version'), dataIndex: 'version', width: 96, align: 'right' },
    { key: 'at', title: t('history.col.at'), render: (_, h) => formatInstant(h.at, lang) },
    { key: 'actor', title: t('history.col.actor'), dataIndex: 'actor', responsive: ['md'] },
    { key: 'source', title: t('history.col.source'), render: (_, h) => source(h.source), responsive: ['md'] },
    {
      key: 'changes',
      title: t('history.col.changes'),
      render: (_, h) =>
        'created' in h.changes ? (
          t('history.created')
        ) : (
          <ul className="plain-list changes">
            {Object.entries(h.changes).map(([field, change]) => {
              const [before, after] = Array.isArray(change) ? change : [undefined, change];
              return (
                <li key={field}>
                  <strong>{fieldLabel(lang, field)}</strong>: {show(before, t('history.blank'))} → {show(after, t('history.blank'))}
                </li>
              );
            })}
          </ul>
        ),
    },
  ];

  if (remote.error) return <ProblemAlert error={remote.error} onRetry={remote.retry} />;
  const total = remote.data?.total;
  return (
    <Table<HistoryEntry>
      className="unit-table history-table"
      caption={total === undefined ? undefined : t('history.caption', { total })}
      rowKey="version"
      size="middle"
      columns={columns}
      dataSource={remote.data?.items ?? []}
      loading={remote.loading}
      locale={{ emptyText: remote.loading ? ' ' : <p className="empty">{t('history.empty')}</p> }}
      pagination={total !== undefined && total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total, onChange: setPage, showSizeChanger: false } : false}
    />
  );
}

function AccessLog({ pin }: { pin: string }) {
  const { t, lang } = useI18n();
  const purposes = usePurposes();
  const [page, setPage] = useState(1);
  // The snapshot of the first page (its `upTo`), kept for the next ones: reads written meanwhile,
  // this reading's own entry among them, would otherwise push each page's last row onto the next.
  const [snapshot, setSnapshot] = useState<{ pin: string; upTo: number } | undefined>(undefined);
  const upTo = snapshot?.pin === pin ? snapshot.upTo : undefined; // another person's snapshot is no snapshot
  const remote = useRemote(JSON.stringify([pin, page, lang, upTo]), (signal) => getAccessLog(pin, { page, pageSize: PAGE_SIZE, upTo }, { lang, signal }));
  const turnTo = (next: number) => {
    if (upTo === undefined && remote.data && remote.data.upTo > 0) setSnapshot({ pin, upTo: remote.data.upTo });
    setPage(next);
  };
  const purposeLabel = (code: string) => purposes.data?.find((p) => p.code === code)?.[lang] ?? code;

  const columns: TableColumnsType<AccessLogEntry> = [
    {
      key: 'at',
      title: t('accessLog.col.at'),
      width: 120,
      render: (_, e) => (
        <>
          {formatInstant(e.at, lang)}
          {/* On a phone who it was goes under when (its own column is hidden there). */}
          <div className="narrow-only">
            <span className="visually-hidden">{t('accessLog.col.actor')}: </span>
            <strong>{e.actorId}</strong>
            {e.actorUnit && <div className="muted">{t('account.unit', { code: e.actorUnit })}</div>}
          </div>
        </>
      ),
    },
    {
      key: 'actor',
      title: t('accessLog.col.actor'),
      responsive: ['sm'],
      render: (_, e) => (
        <>
          <div>{e.actorId}</div>
          {e.actorUnit && <div className="muted">{t('account.unit', { code: e.actorUnit })}</div>}
        </>
      ),
    },
    { key: 'action', title: t('accessLog.col.action'), render: (_, e) => actionLabel(lang, e.action), responsive: ['md'] },
    {
      key: 'purpose',
      title: t('accessLog.col.purpose'),
      render: (_, e) =>
        e.purposeCode ? (
          <>
            <div>{purposeLabel(e.purposeCode)}</div>
            {e.purposeNote && <PurposeNote note={e.purposeNote} />}
          </>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { key: 'summary', title: t('accessLog.col.summary'), dataIndex: 'summary', responsive: ['lg'] },
    { key: 'ip', title: t('accessLog.col.ip'), dataIndex: 'sourceIp', responsive: ['xl'] },
  ];

  if (remote.error) return <ProblemAlert error={remote.error} onRetry={remote.retry} />;
  const total = remote.data?.total;
  return (
    <Table<AccessLogEntry>
      className="unit-table access-log-table"
      caption={total === undefined ? undefined : t('accessLog.caption', { total })}
      rowKey="seq"
      size="middle"
      columns={columns}
      dataSource={remote.data?.items ?? []}
      loading={remote.loading}
      locale={{ emptyText: remote.loading ? ' ' : <p className="empty">{t('accessLog.empty')}</p> }}
      pagination={total !== undefined && total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total, onChange: turnTo, showSizeChanger: false } : false}
    />
  );
}
