import { getUnit, problemCode, type UnitDetailDto } from '../api.js';
import { formatPartialDate } from '../dates.js';
import { useI18n } from '../i18n.js';
import { useRemote } from '../useRemote.js';

/** Units by `code@date`: a record names the same unit several times (residence, home town). */
const cache = new Map<string, Promise<UnitDetailDto>>();

function unitAt(code: string, at: string): Promise<UnitDetailDto> {
  const key = `${code}@${at}`;
  let p = cache.get(key);
  if (!p) {
    // Not aborted with the component: another one may wait for the same answer.
    p = getUnit(code, at, { lang: 'vi' });
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** "Xã Cẩm Giang, Thành phố Hải Phòng": the unit's name and the units it lies in. */
export function placeName(unit: UnitDetailDto): string {
  return [...unit.path].reverse().map((p) => p.fullName).join(', ');
}

/**
 * A place of a record: the unit's name and the units it lies in as they were on the date the code
 * refers to ("Xã Cẩm Hoàng, Huyện Cẩm Giàng, Tỉnh Hải Dương"), then the code and the date. The code
 * alone while the name loads or when the unit cannot be found.
 *
 * `short`: the unit's own name as on that date with the code after it, muted ("Xã Cẩm Giang
 * (10888)"), where the date goes without saying (a dossier's receiving unit on the filing day).
 * Official names are Vietnamese in either language, as the receipt and the filing page give them.
 */
export function UnitName({ code, at, short = false }: { code: string; at: string; short?: boolean }) {
  const { t } = useI18n();
  const unit = useRemote(`${code}@${at}`, () => unitAt(code, at));
  if (short) {
    const name = unit.data?.code === code ? unit.data.fullName : undefined;
    return name ? (
      <>
        <span className="unit-place">{name}</span> <span className="muted number">({code})</span>
      </>
    ) : (
      <span className="number">{code}</span>
    );
  }
  return (
    <>
      {unit.data && <span className="unit-place">{placeName(unit.data)}</span>}{' '}
      <span className="muted">({t('record.unitAsOf', { code, date: formatPartialDate(at) })})</span>
    </>
  );
}

/**
 * Under a unit-code input: the unit the typed code names on `at`, with the units it lies in ("Xã
 * Cẩm Giang, Thành phố Hải Phòng"), or that no administrative unit had that code on that day (none
 * ever had, or it ended in a reorganisation, as 10897 Xã Cẩm Hoàng on 2025-07-01). Nothing while
 * `code` is null (not yet a whole 2- or 5-digit code) or is being looked up. A live region: a
 * screen reader hears the name when it appears.
 */
export function UnitCodeNote({ code, at }: { code: string | null; at: string }) {
  const { t } = useI18n();
  const unit = useRemote(code === null ? null : `${code}@${at}`, () => unitAt(code!, at));
  let shown = null;
  if (code !== null && !unit.loading) {
    if (unit.data?.code === code) shown = <span className="unit-place">{placeName(unit.data)}</span>;
    else if (problemCode(unit.error) === 'UNIT_NOT_FOUND') shown = <span className="unit-unknown">{t('unit.unknown', { code, date: formatPartialDate(at) })}</span>;
  }
  return (
    <span role="status" className="unit-code-note">
      {shown}
    </span>
  );
}
