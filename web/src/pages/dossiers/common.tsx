/**
 * Pieces the service and dossier pages share: labels of the workflow's codes in the UI language
 * (the codes themselves come from the server's src/dossiers/model.ts and src/services/model.ts),
 * the state tag, Vietnam dates, money and the page frame.
 */
import type { ReactNode } from 'react';
import { Tag, Typography } from 'antd';
import { CHANNELS, FORMS, STATES, type Channel, type DossierState, type FormNumber } from '../../../../src/dossiers/model.js';
import { SECTORS, type Sector } from '../../../../src/services/model.js';
import { formatPartialDate } from '../../dates.js';
import { servicesVi } from '../../i18n/services.js';
import { translator, type Lang, type MessageKey, type Translate } from '../../i18n.js';
import './dossiers.css';

export { CHANNELS, FORMS, SECTORS, STATES };
export type { Channel, DossierState, FormNumber, Sector };

/** The label of a coded answer of a form (`female` → "Nữ"); numbers and unknown codes show themselves. */
export function enumLabel(lang: Lang, value: string | number): string {
  const key = `enum.${value}`;
  return key in servicesVi ? translator(lang)(key as MessageKey) : String(value);
}

export const stateLabel = (t: Translate, state: DossierState) => t(`dossiers.state.${state}`);
export const channelLabel = (t: Translate, channel: Channel) => t(`dossiers.channel.${channel}`);
export const formLabel = (t: Translate, form: FormNumber) => t(`dossiers.form.${form}`);

/** A sector key's name; a key the UI does not know (added later on the server) shows itself. */
export function sectorLabel(t: Translate, sector: string): string {
  return (SECTORS as readonly string[]).includes(sector) ? t(`services.sector.${sector as Sector}`) : sector;
}

/** The label of an action or event of the timeline (`submit`, `flag_overdue` and the workflow actions). */
export function eventLabel(t: Translate, action: string): string {
  if (action === 'submit' || action === 'flag_overdue') return t(`dossiers.event.${action}`);
  return `dossiers.action.${action}` in servicesVi ? t(`dossiers.action.${action}` as MessageKey) : action;
}

/** A workflow state as a tag, its colour by how far the dossier has come (the text says it, not the colour alone). */
export function StateTag({ state, t }: { state: DossierState; t: Translate }) {
  return <Tag className={`dossier-state dossier-state-${state}`}>{stateLabel(t, state)}</Tag>;
}

/** `dd/mm/yyyy` of a Vietnam date; a dash when there is none. */
export const formatDay = (date: string | null | undefined) => (date ? formatPartialDate(date) : '—');

const VN_MOMENT = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant in Vietnam time as `dd/mm/yyyy hh:mm`, the same in both languages; a dash when there is none. */
export function formatMoment(iso: string | null | undefined, _lang?: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(VN_MOMENT.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "50.000 đồng" / "50,000 VND". */
export function formatVnd(amount: number, lang: Lang, t: Translate): string {
  return t('services.vnd', { amount: amount.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') });
}

/** The time limit of a service or dossier in working days (0: within the day). */
export function daysLabel(t: Translate, days: number): string {
  return days === 0 ? t('services.processingSameDay') : t('services.processingDays', { n: days });
}

/** A page with its title (h1) and an introduction. */
export function PageHead({ title, intro, extra }: { title: ReactNode; intro?: ReactNode; extra?: ReactNode }) {
  return (
    <>
      <Typography.Title level={1} className="page-title">
        {title}
        {extra}
      </Typography.Title>
      {intro && <Typography.Paragraph className="page-intro">{intro}</Typography.Paragraph>}
    </>
  );
}

/** A random key for `Idempotency-Key` (`crypto.randomUUID` needs a secure context; desks run over plain HTTP too). */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether a file is one the server accepts (PDF, JPEG, PNG), by its type or name; the server judges the content again. */
export function acceptableFile(file: File): boolean {
  return /^(application\/pdf|image\/jpeg|image\/png)$/.test(file.type) || /\.(pdf|jpe?g|png)$/i.test(file.name);
}

export const ACCEPT_FILES = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

/** File sizes as people read them: "245 KB", "3,2 MB". */
export function formatSize(bytes: number, lang: Lang): string {
  const n = (x: number) => x.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${n(bytes / 1024)} KB`;
  return `${n(bytes / 1024 / 1024)} MB`;
}
