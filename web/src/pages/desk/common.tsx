/**
 * Pieces the desk pages share: the page frame (permission, title, intro), the desk vocabularies in
 * the UI language (labels come from the server's src/desk/model.ts, the one list of codes), dates
 * of a week in Vietnam time, and the desks of the officer's unit.
 */
import { useState, type ReactNode } from 'react';
import { Form, Modal, Typography } from 'antd';
import { codesOf, type Vocabulary } from '../../../../src/desk/model.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { formatPartialDate } from '../../dates.js';
import { useI18n, type Lang, type MessageKey } from '../../i18n.js';
import type { Permission } from '../../session.js';
import './desk.css';

export { CAMPAIGN_STATUSES, DEVICE_KINDS, DEVICE_STATUSES, FUNDING_SOURCES, HELP_KINDS, HELP_OUTCOMES, INTERNET_KINDS, MEMBER_KINDS, ORGANISATIONS, SHIFT_PERIODS, SITE_KINDS } from '../../../../src/desk/model.js';

/** A code's label in the UI language. */
export function labelOf<C extends string>(v: Vocabulary<C>, code: C, lang: Lang): string {
  return v[code]?.[lang] ?? code;
}

/** Select options of a vocabulary in the UI language. */
export function optionsOf<C extends string>(v: Vocabulary<C>, lang: Lang): { value: C; label: string }[] {
  return codesOf(v).map((c) => ({ value: c, label: v[c][lang] }));
}

/** A desk page: for staff with `permission`, with its title and a short introduction. */
export function DeskPage({ permission, title, intro, children }: { permission: Permission; title: MessageKey; intro?: MessageKey; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <RequireStaff permission={permission}>
      <Typography.Title level={1} className="page-title">
        {t(title)}
      </Typography.Title>
      {intro && <Typography.Paragraph className="page-intro">{t(intro)}</Typography.Paragraph>}
      {children}
    </RequireStaff>
  );
}

/** An error of a list, with retry; nothing when there is none. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return error !== undefined ? <ProblemAlert error={error} onRetry={onRetry} /> : null;
}

/**
 * A form in a dialog: Enter or the OK button submits, the dialog stays open with the server's
 * problem shown while it fails, and closes once `onSubmit` succeeds. The form starts afresh, from
 * `initialValues`, each time it opens (a new form each time: nothing typed before comes back).
 */
export function FormModal<V extends object>({
  title,
  open,
  onClose,
  onSubmit,
  okText,
  name,
  initialValues,
  children,
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  onSubmit: (values: V) => Promise<unknown>;
  okText?: string;
  name: string;
  initialValues?: Partial<V>;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const close = () => {
    setError(undefined);
    setRound((n) => n + 1);
    onClose();
  };
  const finish = async (values: V) => {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(values);
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const formId = `${name}-form`;
  return (
    <Modal
      title={title}
      open={open}
      onCancel={close}
      // The OK button belongs to the form through its `form` attribute: it submits it, and Enter in a field does too.
      okButtonProps={{ htmlType: 'submit', form: formId }}
      okText={okText ?? t('desk.save')}
      cancelText={t('desk.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      className="desk-modal"
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<V> key={round} id={formId} layout="vertical" name={name} initialValues={initialValues} onFinish={finish} requiredMark="optional" disabled={busy} className="desk-form">
        {children}
      </Form>
    </Modal>
  );
}

// --- dates ------------------------------------------------------------------------------------------

const DAY = 86_400_000;

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** The Monday of the week of a date. */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/** 1 (Monday) … 7 (Sunday). */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** "Thứ Hai" / "Monday" of a date. */
export function weekdayName(date: string, lang: Lang, style: 'long' | 'short' = 'long'): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { weekday: style, timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`)).replace(/^./, (c) => c.toUpperCase());
}

/** "Thứ Hai 31/08" — a day of a roster. */
export function dayLabel(date: string, lang: Lang, style: 'long' | 'short' = 'long'): string {
  return `${weekdayName(date, lang, style)} ${date.slice(8, 10)}/${date.slice(5, 7)}`;
}

/** `dd/mm/yyyy`. */
export const formatDate = (date: string | null | undefined) => (date ? formatPartialDate(date) : '');

/** The Vietnam wall-clock time `HH:MM` of an instant. */
export function timeOf(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** A share 0…1 as a percentage in the UI language (`50 %`, `50%`); a dash when unknown. */
export function percent(share: number | null | undefined, lang: Lang): string {
  return share === null || share === undefined ? '—' : new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A random id for an entry sent once (`clientRef`); `crypto.randomUUID` needs a secure context, this does not. */
export function clientRef(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
