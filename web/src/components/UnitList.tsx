import { useState } from 'react';
import { Table, type TableColumnsType } from 'antd';
import { listUnits, type UnitLevel, type UnitViewDto } from '../api.js';
import { typeLabel, useI18n, type Translate } from '../i18n.js';
import { Link, navigate } from '../router.js';
import { unitsHref } from '../unitsHref.js';
import { useRemote } from '../useRemote.js';
import { ProblemAlert } from './ProblemAlert.js';

export interface UnitListQuery {
  at: string;
  parent?: string;
  level?: UnitLevel;
  q?: string;
}

const PAGE_SIZES = [20, 50, 100, 200];
const DEFAULT_PAGE_SIZE = 100;

/**
 * One page of units from `GET /units` as a table whose names link to each unit. With `showPath`
 * every name is followed by the units it belongs to ("Huyện Cẩm Giàng, Tỉnh Hải Dương").
 * Render it with a `key` per query so that a new query starts again from page 1.
 */
export function UnitList({ query, caption, emptyText, showPath = false }: { query: UnitListQuery; caption: string; emptyText: string; showPath?: boolean }) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState({ current: 1, size: DEFAULT_PAGE_SIZE });
  const remote = useRemote(JSON.stringify([query, page, lang]), (signal) =>
    listUnits({ ...query, page: page.current, pageSize: page.size }, { lang, signal }),
  );
  const total = remote.data?.total;
  const hrefOf = (u: UnitViewDto) => unitsHref({ at: query.at, unit: u.code });

  const columns: TableColumnsType<UnitViewDto> = [
    {
      key: 'name',
      title: t('units.col.name'),
      render: (_, u) => (
        <>
          <Link href={hrefOf(u)} className="unit-name">
            {u.fullName}
          </Link>
          {showPath && u.path.length > 1 && (
            <div className="muted">
              <span className="visually-hidden"> — </span>
              {u.path
                .slice(0, -1)
                .reverse()
                .map((p) => p.fullName)
                .join(', ')}
            </div>
          )}
        </>
      ),
    },
    { key: 'type', title: t('units.col.type'), render: (_, u) => typeLabel(lang, u.type), responsive: ['md'] },
    { key: 'period', title: t('units.col.period'), render: (_, u) => period(u, t), responsive: ['lg'] },
    { key: 'code', title: t('units.col.code'), dataIndex: 'code', width: 90, align: 'right' },
  ];

  const fullCaption = total === undefined ? caption : `${caption} · ${t('units.total', { total: total.toLocaleString(lang) })}`;

  if (remote.error) return <ProblemAlert error={remote.error} onRetry={remote.retry} />;
  return (
    <Table<UnitViewDto>
      className="unit-table"
      caption={fullCaption}
      rowKey="code"
      size="middle"
      columns={columns}
      dataSource={remote.data?.items ?? []}
      loading={remote.loading}
      locale={{ emptyText: remote.loading ? ' ' : <p className="empty">{emptyText}</p> }}
      // The whole row is a target on touch screens; the name link serves keyboards and new tabs.
      onRow={(u) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && navigate(hrefOf(u)) })}
      pagination={
        total !== undefined && (total > page.size || page.current > 1)
          ? {
              current: page.current,
              pageSize: page.size,
              total,
              pageSizeOptions: PAGE_SIZES,
              showSizeChanger: true,
              onChange: (current, size) => setPage({ current: size === page.size ? current : 1, size }),
            }
          : false
      }
    />
  );
}

/** "từ 2025-07-01", "đến 2025-06-30", "2008-08-01 – 2025-06-30": the period a unit version is in force. */
function period(u: UnitViewDto, t: Translate): string {
  if (u.validFrom && u.validUntil) return `${u.validFrom} – ${u.validUntil}`;
  if (u.validUntil) return t('units.period.until', { date: u.validUntil });
  if (u.validFrom) return t('units.period.from', { date: u.validFrom });
  return t('units.period.always');
}
