/**
 * The units browser: an "as of" date, a search box and a drill-down province → district →
 * commune. The selected unit shows its detail above its subordinate units; everything the page
 * shows is in its URL (`/units?at=&q=&unit=`).
 */
import { useEffect, useState } from 'react';
import { Breadcrumb, DatePicker, Input, Typography } from 'antd';
import dayjs from 'dayjs';
import { ApiError, getUnit, type UnitDetailDto } from '../api.js';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { UnitDetail } from '../components/UnitDetail.js';
import { UnitLinks } from '../components/UnitLinks.js';
import { UnitList } from '../components/UnitList.js';
import { parseIsoDate, todayInVietnam } from '../dates.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { unitsHref, type UnitsView } from '../unitsHref.js';
import { useRemote } from '../useRemote.js';

const CODE = /^\d{2,5}$/;

export function UnitsPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const view: UnitsView = {
    at: parseIsoDate(search.get('at')),
    q: search.get('q')?.trim() || undefined,
    unit: CODE.test(search.get('unit') ?? '') ? search.get('unit')! : undefined,
  };
  const at = view.at ?? todayInVietnam();

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('units.title')}
      </Typography.Title>
      <Typography.Paragraph className="page-intro">{t('units.intro')}</Typography.Paragraph>
      <Filters view={view} at={at} />
      {view.q ? (
        <UnitList
          key={`search:${view.q}:${at}`}
          query={{ q: view.q, at }}
          caption={t('units.caption.search', { q: view.q, at })}
          emptyText={t('units.empty.search')}
          showPath
        />
      ) : (
        <Browse code={view.unit} at={at} />
      )}
    </>
  );
}

/** The "as of" date and the search box; both write the URL. */
function Filters({ view, at }: { view: UnitsView; at: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(view.q ?? '');
  useEffect(() => setText(view.q ?? ''), [view.q]);

  return (
    <div className="filters" role="search">
      <div className="field">
        <label htmlFor="units-at">{t('units.asOf')}</label>
        <DatePicker
          id="units-at"
          value={dayjs(at)}
          format="YYYY-MM-DD"
          allowClear={false}
          onChange={(d) => d && navigate(unitsHref({ ...view, at: d.format('YYYY-MM-DD') }))}
        />
      </div>
      <div className="field field-grow">
        <label htmlFor="units-q">{t('units.search')}</label>
        <Input.Search
          id="units-q"
          value={text}
          maxLength={100}
          allowClear
          placeholder={t('units.searchPlaceholder')}
          enterButton={t('units.searchButton')}
          onChange={(e) => setText(e.target.value)}
          onSearch={(value) => navigate(unitsHref({ at: view.at, q: value.trim() || undefined, unit: value.trim() ? undefined : view.unit }))}
        />
      </div>
    </div>
  );
}

/** Drill-down: the provinces, or the selected unit with its subordinate units. */
function Browse({ code, at }: { code: string | undefined; at: string }) {
  const { t, lang } = useI18n();
  const detail = useRemote<UnitDetailDto>(code ? `${code}@${at}@${lang}` : null, (signal) => getUnit(code!, at, { lang, signal }));
  const unit = detail.data?.code === code ? detail.data : undefined;

  // Every level links back up; the last one is where we are.
  const crumb = (label: string, href?: string) => ({ title: href ? <Link href={href}>{label}</Link> : <span aria-current="page">{label}</span> });
  const trail = [
    crumb(t('units.root'), code ? unitsHref({ at }) : undefined),
    ...(unit ? unit.path.map((p, i) => crumb(p.fullName, i < unit.path.length - 1 ? unitsHref({ at, unit: p.code }) : undefined)) : code ? [crumb(code)] : []),
  ];

  const successors = detail.error instanceof ApiError ? (detail.error.problem.successors ?? []) : [];

  return (
    <>
      <Breadcrumb aria-label={t('units.breadcrumb')} className="trail" items={trail} />
      {detail.error !== undefined && (
        <ProblemAlert error={detail.error} onRetry={detail.retry}>
          {successors.length > 0 && (
            <div>
              <strong>{t('detail.successors')}:</strong> <UnitLinks links={successors} direction="successors" />
            </div>
          )}
        </ProblemAlert>
      )}
      {unit && <UnitDetail unit={unit} at={at} />}
      {!code && (
        <UnitList key={`provinces:${at}`} query={{ level: 'province', at }} caption={t('units.caption.provinces', { at })} emptyText={t('units.empty.children')} />
      )}
      {unit && unit.level !== 'commune' && (
        <UnitList
          key={`children:${unit.code}:${at}`}
          query={{ parent: unit.code, at }}
          caption={t('units.caption.children', { name: unit.fullName, at })}
          emptyText={t('units.empty.children')}
        />
      )}
    </>
  );
}
