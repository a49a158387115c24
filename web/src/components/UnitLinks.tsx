import type { UnitLink } from '../api.js';
import { dayBefore } from '../dates.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { unitsHref } from '../unitsHref.js';

/**
 * Successors or predecessors of a unit, each a link to that unit on a day it was in force: a
 * successor from its effective date, a predecessor on the day before it was succeeded.
 */
export function UnitLinks({ links, direction }: { links: UnitLink[]; direction: 'successors' | 'predecessors' }) {
  const { t } = useI18n();
  if (links.length === 0) return <>{t('detail.none')}</>;
  return (
    <ul className="plain-list">
      {links.map((l) => {
        const at = direction === 'successors' ? l.effectiveDate : dayBefore(l.effectiveDate);
        return (
          <li key={`${l.code}@${l.effectiveDate}`}>
            <Link href={unitsHref({ unit: l.code, at })}>{l.fullName ?? l.code}</Link>{' '}
            <span className="muted">
              ({t('detail.codeOf', { code: l.code })}) · {t(`detail.kind.${l.kind}`)} · {t('detail.effective', { date: l.effectiveDate })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
