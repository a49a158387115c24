/**
 * Duty roster of the officer's desks (`/desk/roster?week=YYYY-MM-DD&desk=`): a week grid per desk
 * (Monday to Friday, morning and afternoon; holidays and official days off shown with their name,
 * make-up Saturdays added), generating the week's shifts from the working-day calendar, assigning
 * members, conflicts highlighted (a shift with nobody, one person in two places at once), who is on
 * duty now at each desk, the printable weekly roster (PDF) and a member's shifts as a calendar file.
 * On a phone the grid becomes a list of days.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Modal, Select, Space, Spin, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { DownloadButton } from '../../components/DownloadButton.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { parseIsoDate, todayInVietnam } from '../../dates.js';
import { useI18n, type Translate } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { useMediaQuery, WIDE } from '../../useMediaQuery.js';
import { useRemote } from '../../useRemote.js';
import { addShift, assignMember, generateWeek, getOnDuty, getRoster, listDesks, memberCalendarPath, rosterPdfPath, teamsWithMembers, unassignMember, type Conflict, type DayInfo, type Desk, type Member, type Roster, type Shift, type TeamDetail } from './api.js';
import { addDays, dayLabel, DeskPage, formatDate, isoWeekday, labelOf, LoadError, mondayOf, ORGANISATIONS, percent, SHIFT_PERIODS, timeOf } from './common.js';

export function RosterPage() {
  return (
    <DeskPage permission="desk.help-log" title="desk.roster.title" intro="desk.roster.intro">
      <RosterView />
    </DeskPage>
  );
}

const PERIODS = ['morning', 'afternoon'] as const;
type Period = (typeof PERIODS)[number];

function rosterHref(week: string, desk?: number): string {
  return hrefOf('/desk/roster', { week, desk: desk ? String(desk) : undefined });
}

/** Where conflicts touch a week: unstaffed shifts, and (shift, member) pairs booked twice at once. */
interface ConflictIndex {
  unstaffed: Set<number>;
  doubled: Map<string, Conflict[]>;
}

function indexConflicts(conflicts: readonly Conflict[]): ConflictIndex {
  const unstaffed = new Set<number>();
  const doubled = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    if (c.kind === 'unstaffed') c.shiftIds.forEach((id) => unstaffed.add(id));
    else for (const s of c.shiftIds) for (const m of c.person?.memberIds ?? []) doubled.set(`${s}:${m}`, [...(doubled.get(`${s}:${m}`) ?? []), c]);
  }
  return { unstaffed, doubled };
}

function RosterView() {
  const { t, lang } = useI18n();
  const session = useSession();
  const manage = session.can('desk.manage');
  const { search } = useLocation();
  const week = mondayOf(parseIsoDate(search.get('week')) ?? todayInVietnam());
  const deskParam = Number(search.get('desk'));
  const deskId = Number.isInteger(deskParam) && deskParam > 0 ? deskParam : undefined;
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((n) => n + 1);
  const [generated, setGenerated] = useState<{ week: string; created: number }>();
  const [generating, setGenerating] = useState(false);
  const [actionError, setActionError] = useState<unknown>();

  const desks = useRemote(`desks:${lang}`, (signal) => listDesks({ lang, signal }));
  const roster = useRemote(`roster:${week}:${deskId ?? ''}:${version}:${lang}`, (signal) => getRoster(week, deskId, { lang, signal }));
  const teams = useRemote(`teams-members:${version}:${lang}`, (signal) => teamsWithMembers({ lang, signal }));

  const generate = async () => {
    setGenerating(true);
    setActionError(undefined);
    try {
      const r = await generateWeek(week, deskId, { lang });
      setGenerated({ week, created: r.created });
      refresh();
    } catch (err) {
      setActionError(err);
    } finally {
      setGenerating(false);
    }
  };

  const weekEnd = addDays(week, 6);
  // In the order they were opened: the commune office's desk usually first.
  const shownDesks = (desks.data?.items ?? []).filter((d) => (deskId ? d.id === deskId : d.active)).sort((a, b) => a.id - b.id);
  const data = roster.data?.weekStart === week ? roster.data : undefined;

  return (
    <>
      <div className="filters desk-week-bar" role="group" aria-label={t('desk.roster.weekNav')}>
        <div className="desk-week-nav">
          <Button onClick={() => navigate(rosterHref(addDays(week, -7), deskId))} aria-label={t('desk.roster.prevWeek')}>
            ‹
          </Button>
          <span className="desk-week-label" aria-live="polite">
            {t('desk.roster.weekOf', { from: formatDate(week).slice(0, 5), to: formatDate(weekEnd) })}
          </span>
          <Button onClick={() => navigate(rosterHref(addDays(week, 7), deskId))} aria-label={t('desk.roster.nextWeek')}>
            ›
          </Button>
          <Button onClick={() => navigate(rosterHref(mondayOf(todayInVietnam()), deskId))}>{t('desk.roster.thisWeek')}</Button>
          <DatePicker
            aria-label={t('desk.roster.pickDay')}
            placeholder={t('desk.roster.pickDay')}
            format="DD/MM/YYYY"
            value={null}
            onChange={(d: Dayjs | null) => d && navigate(rosterHref(mondayOf(d.format('YYYY-MM-DD')), deskId))}
            className="desk-week-picker"
          />
        </div>
        <Select<number | 'all'>
          className="desk-filter"
          aria-label={t('desk.roster.desk')}
          value={deskId ?? 'all'}
          onChange={(v) => navigate(rosterHref(week, v === 'all' ? undefined : v))}
          options={[{ value: 'all', label: t('desk.roster.allDesks') }, ...(desks.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.name} · ${d.siteName}` }))]}
        />
      </div>

      <div className="desk-toolbar">
        {manage && (
          <Button type="primary" loading={generating} onClick={generate}>
            {t('desk.roster.generate')}
          </Button>
        )}
        <DownloadButton path={rosterPdfPath(week, deskId)} fallbackName={`lich-truc-${week}.pdf`} label={t('desk.roster.pdf')} />
      </div>
      {generated?.week === week && (
        <Alert type="success" showIcon role="status" title={t('desk.roster.generated', { count: generated.created, from: formatDate(week), to: formatDate(weekEnd) })} closable={{ onClose: () => setGenerated(undefined) }} />
      )}
      {actionError !== undefined && <ProblemAlert error={actionError} />}
      <LoadError error={roster.error ?? desks.error} onRetry={() => { roster.retry(); desks.retry(); }} />

      <OnDutyCard version={version} />

      {!data ? (
        roster.loading && (
          <div className="page-loading" role="status">
            <Spin /> <span>{t('desk.loading')}</span>
          </div>
        )
      ) : (
        <>
          <Summary roster={data} desks={desks.data?.items ?? []} />
          {shownDesks.length === 0 && !desks.loading && (
            <p className="empty">
              {t('desk.roster.noDesks')}{' '}
              {manage && <Link href="/desk/sites">{t('desk.roster.toSites')}</Link>}
            </p>
          )}
          {shownDesks.map((desk) => (
            <DeskWeek key={desk.id} desk={desk} roster={data} teams={teams.data ?? []} manage={manage} onChanged={refresh} />
          ))}
        </>
      )}
      <MemberCalendar teams={teams.data ?? []} week={week} />
    </>
  );
}

/** Coverage of the week and the list of its conflicts. */
function Summary({ roster, desks }: { roster: Roster; desks: Desk[] }) {
  const { t, lang } = useI18n();
  const deskName = (id: number) => desks.find((d) => d.id === id)?.name ?? `#${id}`;
  const shiftOf = (id: number) => roster.shifts.find((s) => s.id === id);
  const { scheduled, staffed, share } = roster.coverage;
  return (
    <section className="desk-summary" aria-labelledby="roster-summary">
      <h2 id="roster-summary" className="visually-hidden">
        {t('desk.roster.summary')}
      </h2>
      <dl className="import-counts">
        <div className="import-count">
          <dt>{t('desk.roster.coverage')}</dt>
          <dd>
            {staffed}/{scheduled} <span className="desk-count-note">{percent(share, lang)}</span>
          </dd>
        </div>
        <div className={roster.conflicts.length > 0 ? 'import-count import-count-bad' : 'import-count'}>
          <dt>{t('desk.roster.conflicts')}</dt>
          <dd>{roster.conflicts.length}</dd>
        </div>
      </dl>
      {roster.conflicts.length > 0 && (
        <Alert
          type="warning"
          showIcon
          className="desk-conflicts"
          title={t('desk.roster.conflictsTitle', { count: roster.conflicts.length })}
          description={
            <ul className="plain-list">
              {roster.conflicts.map((c) => (
                <li key={`${c.kind}:${c.shiftIds.join(',')}:${c.person?.memberIds.join(',') ?? ''}`}>
                  {c.kind === 'unstaffed'
                    ? t('desk.roster.conflict.unstaffed', { day: dayLabel(c.day, lang), period: periodOf(shiftOf(c.shiftIds[0]!), lang), desk: deskName(c.deskIds[0]!) })
                    : t('desk.roster.conflict.double', { name: c.person?.fullName ?? '', day: dayLabel(c.day, lang), desks: c.deskIds.map(deskName).join(', ') })}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </section>
  );
}

/** "sáng", "afternoon": a half-day inside a sentence. */
function periodOf(shift: Shift | undefined, lang: 'vi' | 'en'): string {
  return shift ? labelOf(SHIFT_PERIODS, shift.period, lang).toLocaleLowerCase(lang) : '';
}

/** The days a desk's week shows: Monday to Friday, and a weekend day that works or has a shift. */
function daysShown(days: DayInfo[], shifts: Shift[]): DayInfo[] {
  return days.filter((d) => isoWeekday(d.date) <= 5 || d.working || shifts.some((s) => s.day === d.date));
}

function DeskWeek({ desk, roster, teams, manage, onChanged }: { desk: Desk; roster: Roster; teams: TeamDetail[]; manage: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const wide = useMediaQuery(WIDE);
  const shifts = roster.shifts.filter((s) => s.deskId === desk.id);
  const days = daysShown(roster.days, shifts);
  const conflicts = indexConflicts(roster.conflicts);
  const [editing, setEditing] = useState<number>();
  const [error, setError] = useState<unknown>();
  const shiftAt = (day: string, period: Period) => shifts.find((s) => s.day === day && s.period === period);
  const hours = (p: Period) => (p === 'morning' ? `${desk.hours.morningStart}–${desk.hours.morningEnd}` : `${desk.hours.afternoonStart}–${desk.hours.afternoonEnd}`);
  const holiday = (d: DayInfo) => (lang === 'vi' ? d.reasonVi : d.reasonEn) ?? t('desk.roster.dayOff');

  const cell = (day: DayInfo, period: Period) => (
    <ShiftCell
      desk={desk}
      day={day.date}
      period={period}
      shift={shiftAt(day.date, period)}
      conflicts={conflicts}
      manage={manage}
      onEdit={(id) => setEditing(id)}
      onAdd={async () => {
        setError(undefined);
        try {
          await addShift(desk.id, day.date, period, { lang });
          onChanged();
        } catch (err) {
          setError(err);
        }
      }}
    />
  );
  const editingShift = shifts.find((s) => s.id === editing);

  return (
    <Card
      className="import-card desk-card roster-card"
      title={
        <>
          <h2 className="card-heading">{desk.name}</h2>
          <span className="muted card-sub">{desk.siteName}</span>
        </>
      }
    >
      {error !== undefined && <ProblemAlert error={error} />}
      {wide ? (
        <div className="roster-scroll">
          <table className="roster-grid">
            <caption className="visually-hidden">{t('desk.roster.gridCaption', { desk: desk.name, from: formatDate(roster.weekStart), to: formatDate(roster.weekEnd) })}</caption>
            <thead>
              <tr>
                <td />
                {days.map((d) => (
                  <th key={d.date} scope="col" className={d.working ? undefined : 'roster-off'}>
                    <span className="roster-weekday">{dayLabel(d.date, lang).split(' ').slice(0, -1).join(' ')}</span>
                    <span className="roster-date">{d.date.slice(8, 10)}/{d.date.slice(5, 7)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {PERIODS.map((p) => (
                <tr key={p}>
                  <th scope="row" className="roster-period">
                    {labelOf(SHIFT_PERIODS, p, lang)}
                    <span className="muted number">{hours(p)}</span>
                  </th>
                  {days.map((d) => {
                    const off = !d.working && !shifts.some((s) => s.day === d.date);
                    if (off && p === 'afternoon') return null;
                    return off ? (
                      <td key={d.date} rowSpan={2} className="roster-cell roster-holiday">
                        <span className="roster-holiday-label">{t('desk.roster.off')}</span>
                        <span>{holiday(d)}</span>
                      </td>
                    ) : (
                      <td key={d.date} className="roster-cell">
                        {cell(d, p)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <ol className="plain-list roster-days" aria-label={t('desk.roster.gridCaption', { desk: desk.name, from: formatDate(roster.weekStart), to: formatDate(roster.weekEnd) })}>
          {days.map((d) => {
            const off = !d.working && !shifts.some((s) => s.day === d.date);
            return (
              <li key={d.date} className={off ? 'roster-day roster-holiday' : 'roster-day'}>
                <h3 className="roster-day-title">{dayLabel(d.date, lang)}</h3>
                {off ? (
                  <p className="roster-holiday-text">
                    <span className="roster-holiday-label">{t('desk.roster.off')}</span> {holiday(d)}
                  </p>
                ) : (
                  PERIODS.map((p) => (
                    <div key={p} className="roster-slot">
                      <div className="roster-slot-period">
                        {labelOf(SHIFT_PERIODS, p, lang)}
                        <span className="muted number">{hours(p)}</span>
                      </div>
                      <div className="roster-cell">{cell(d, p)}</div>
                    </div>
                  ))
                )}
              </li>
            );
          })}
        </ol>
      )}
      {editingShift && <AssignModal desk={desk} shift={editingShift} teams={teams} conflicts={conflicts} onClose={() => setEditing(undefined)} onChanged={onChanged} />}
    </Card>
  );
}

function shiftName(t: Translate, lang: 'vi' | 'en', desk: Desk, day: string, period: Period): string {
  return t('desk.roster.shiftName', { period: labelOf(SHIFT_PERIODS, period, lang), day: dayLabel(day, lang), desk: desk.name });
}

function ShiftCell({ desk, day, period, shift, conflicts, manage, onEdit, onAdd }: { desk: Desk; day: string; period: Period; shift: Shift | undefined; conflicts: ConflictIndex; manage: boolean; onEdit: (id: number) => void; onAdd: () => Promise<void> }) {
  const { t, lang } = useI18n();
  const [adding, setAdding] = useState(false);
  const name = shiftName(t, lang, desk, day, period);
  if (!shift) {
    return (
      <div className="roster-empty">
        <span className="muted">{t('desk.roster.noShift')}</span>
        {manage && (
          <Button
            size="small"
            type="link"
            className="inline-button"
            loading={adding}
            aria-label={t('desk.roster.addShiftOf', { shift: name })}
            onClick={async () => {
              setAdding(true);
              await onAdd();
              setAdding(false);
            }}
          >
            {t('desk.roster.addShift')}
          </Button>
        )}
      </div>
    );
  }
  const unstaffed = conflicts.unstaffed.has(shift.id);
  return (
    <div className={unstaffed ? 'roster-shift roster-unstaffed' : 'roster-shift'}>
      {unstaffed ? (
        <span className="roster-nobody">
          <WarningIcon /> {t('desk.roster.nobody')}
        </span>
      ) : (
        <ul className="plain-list roster-members">
          {shift.members.map((m) => {
            const doubled = conflicts.doubled.get(`${shift.id}:${m.id}`);
            return (
              <li key={m.id}>
                <Tag className={doubled ? 'roster-member roster-member-conflict' : 'roster-member'} title={doubled ? t('desk.roster.doubleHint') : labelOf(ORGANISATIONS, m.organisation, lang)}>
                  {doubled && <WarningIcon />}
                  {m.fullName}
                  {doubled && <span className="visually-hidden"> ({t('desk.roster.doubleHint')})</span>}
                </Tag>
              </li>
            );
          })}
        </ul>
      )}
      {manage && (
        <Button size="small" className="roster-assign" onClick={() => onEdit(shift.id)} aria-label={t('desk.roster.assignOf', { shift: name })}>
          {t('desk.roster.assign')}
        </Button>
      )}
    </div>
  );
}

function activeOn(m: Member, day: string): boolean {
  return (m.joinedOn === null || m.joinedOn <= day) && (m.leftOn === null || m.leftOn >= day);
}

/** Members of the desk's team first, then of the other teams; each box assigns or takes off at once. */
function AssignModal({ desk, shift, teams, conflicts, onClose, onChanged }: { desk: Desk; shift: Shift; teams: TeamDetail[]; conflicts: ConflictIndex; onClose: () => void; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const ordered = [...teams].sort((a, b) => Number(b.id === desk.teamId) - Number(a.id === desk.teamId));
  // The boxes follow a click at once; the roster's answer then confirms them.
  const onShift = shift.members.map((m) => m.id).join(',');
  const [assigned, setAssigned] = useState(() => new Set(shift.members.map((m) => m.id)));
  useEffect(() => setAssigned(new Set(onShift ? onShift.split(',').map(Number) : [])), [onShift]);

  const toggle = async (m: Member, on: boolean) => {
    setBusy(m.id);
    setError(undefined);
    setAssigned((s) => {
      const next = new Set(s);
      if (on) next.add(m.id);
      else next.delete(m.id);
      return next;
    });
    try {
      if (on) {
        const r = await assignMember(shift.id, m.id, { lang });
        setWarnings(r.conflicts.filter((c) => c.kind === 'double_booked').map((c) => t('desk.roster.assignWarning', { name: c.person?.fullName ?? m.fullName, day: dayLabel(c.day, lang) })));
      } else {
        await unassignMember(shift.id, m.id, { lang });
        setWarnings([]);
      }
      onChanged();
    } catch (err) {
      setError(err);
      setAssigned(new Set(shift.members.map((x) => x.id)));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Modal open title={t('desk.roster.assignTitle', { shift: shiftName(t, lang, desk, shift.day, shift.period) })} onCancel={onClose} footer={<Button type="primary" onClick={onClose}>{t('desk.done')}</Button>} className="desk-modal">
      {error !== undefined && <ProblemAlert error={error} />}
      {warnings.map((w) => (
        <Alert key={w} type="warning" showIcon title={w} />
      ))}
      {ordered.length === 0 && (
        <p className="empty">
          {t('desk.roster.noMembers')} <Link href="/desk/teams">{t('desk.roster.toTeams')}</Link>
        </p>
      )}
      {ordered.map((team) => {
        const members = team.members.filter((m) => activeOn(m, shift.day) || assigned.has(m.id));
        return (
          <fieldset key={team.id} className="desk-fieldset">
            <legend>{team.name}</legend>
            {members.length === 0 && <p className="muted">{t('desk.members.empty')}</p>}
            <Space orientation="vertical" size={4} className="assign-list">
              {members.map((m) => (
                <Checkbox key={m.id} checked={assigned.has(m.id)} disabled={busy !== undefined} onChange={(e) => void toggle(m, e.target.checked)} className="assign-option">
                  <span className="person-name">{m.fullName}</span> <span className="muted">· {labelOf(ORGANISATIONS, m.organisation, lang)}</span>
                  {conflicts.doubled.has(`${shift.id}:${m.id}`) && <Tag className="roster-member-conflict">{t('desk.roster.doubleShort')}</Tag>}
                </Checkbox>
              ))}
            </Space>
          </fieldset>
        );
      })}
    </Modal>
  );
}

/** Who is on duty now at each desk (Vietnam time). */
function OnDutyCard({ version }: { version: number }) {
  const { t, lang } = useI18n();
  const onDuty = useRemote(`on-duty:${version}:${lang}`, (signal) => getOnDuty({ lang, signal }));
  if (onDuty.error) return <ProblemAlert error={onDuty.error} onRetry={onDuty.retry} />;
  if (!onDuty.data || onDuty.data.items.length === 0) return null;
  return (
    <Card className="import-card desk-card on-duty" title={<h2 className="card-heading">{t('desk.onDuty.title', { time: timeOf(onDuty.data.at) })}</h2>}>
      <ul className="plain-list on-duty-list">
        {onDuty.data.items.map((i) => (
          <li key={i.deskId} className="on-duty-item">
            <div>
              <strong>{i.deskName}</strong> <span className="muted">· {i.siteName}</span>
            </div>
            {i.shift ? (
              <div>
                <span className="on-duty-dot" aria-hidden="true" />
                {i.shift.members.length > 0 ? i.shift.members.map((m) => m.fullName).join(', ') : <span className="desk-warn">{t('desk.roster.nobody')}</span>}
                <span className="muted number">
                  {' '}
                  ({labelOf(SHIFT_PERIODS, i.shift.period, lang)} {timeOf(i.shift.startsAt)}–{timeOf(i.shift.endsAt)})
                </span>
              </div>
            ) : (
              <div className="muted">{t('desk.onDuty.none')}</div>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** A member's shifts from the shown week on, as an iCalendar file for a phone's calendar. */
function MemberCalendar({ teams, week }: { teams: TeamDetail[]; week: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const members = teams.flatMap((team) => team.members.filter((m) => m.leftOn === null || m.leftOn >= week).map((m) => ({ m, team })));
  const [chosen, setChosen] = useState<number>();
  const member = members.find((x) => x.m.id === chosen)?.m;
  if (members.length === 0) return null;
  return (
    <Card className="import-card desk-card" title={<h2 className="card-heading">{t('desk.calendar.title')}</h2>}>
      <p className="muted import-hint">
        {t('desk.calendar.hint', { from: formatDate(week) })}
        {session.can('desk.manage') && (
          <>
            {' '}
            <Link href="/desk/teams">{t('desk.calendar.feedHint')}</Link>
          </>
        )}
      </p>
      <div className="desk-toolbar desk-toolbar-start">
        <Select<number>
          className="desk-filter"
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={t('desk.calendar.member')}
          placeholder={t('desk.calendar.member')}
          value={chosen}
          onChange={setChosen}
          options={members.map(({ m, team }) => ({ value: m.id, label: teams.length > 1 ? `${m.fullName} · ${team.name}` : m.fullName }))}
        />
        {member && <DownloadButton key={member.id} path={memberCalendarPath(member.id, week, addDays(week, 90))} fallbackName={`lich-truc-${member.id}.ics`} label={t('desk.calendar.download', { name: member.fullName })} />}
      </div>
    </Card>
  );
}

function WarningIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false" className="roster-icon">
      <path d="M8 1.5 15 14H1L8 1.5Z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      <path d="M8 6v4M8 11.5v1" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
