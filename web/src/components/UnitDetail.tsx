import { Card, Descriptions, Tag, type DescriptionsProps } from 'antd';
import type { UnitDetailDto } from '../api.js';
import { levelKey, typeLabel, useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { unitsHref } from '../unitsHref.js';
import { UnitLinks } from './UnitLinks.js';

/** Everything known about one unit version: code, type, period, source and where it came from or went. */
export function UnitDetail({ unit, at }: { unit: UnitDetailDto; at: string }) {
  const { t, lang } = useI18n();
  const parents = unit.path.slice(0, -1).reverse();

  const items: DescriptionsProps['items'] = [
    { key: 'code', label: t('detail.code'), children: unit.code },
    { key: 'type', label: t('detail.type'), children: typeLabel(lang, unit.type) },
    { key: 'level', label: t('detail.level'), children: t(levelKey(unit.level)) },
    { key: 'nameEn', label: t('detail.nameEn'), children: unit.nameEn ?? t('detail.unknown') },
    ...(parents.length > 0
      ? [
          {
            key: 'partOf',
            label: t('detail.partOf'),
            children: parents.map((p, i) => (
              <span key={p.code}>
                {i > 0 && ', '}
                <Link href={unitsHref({ at, unit: p.code })}>{p.fullName}</Link>
              </span>
            )),
          },
        ]
      : []),
    { key: 'validFrom', label: t('detail.validFrom'), children: unit.validFrom ?? t('detail.unknown') },
    { key: 'validUntil', label: t('detail.validUntil'), children: unit.validUntil ?? t('detail.inForce') },
    { key: 'source', label: t('detail.source'), children: unit.source, span: 'filled' },
    { key: 'successors', label: t('detail.successors'), children: <UnitLinks links={unit.successors} direction="successors" />, span: 'filled' },
    { key: 'predecessors', label: t('detail.predecessors'), children: <UnitLinks links={unit.predecessors} direction="predecessors" />, span: 'filled' },
  ];

  return (
    <Card
      className="unit-detail"
      title={
        <h2 className="card-heading">
          {unit.fullName} <Tag>{t(levelKey(unit.level))}</Tag>
        </h2>
      }
    >
      <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 }} items={items} />
    </Card>
  );
}
