/**
 * Quick entry of help given at a desk (`/desk/help`), made to take a few seconds on a phone: the
 * desk is remembered on this device, the time is now, the outcome "completed" — one tap on what
 * was done and one on "Record". The citizen's identification number is optional and needs their
 * consent (Decree 13/2023/NĐ-CP); time, device, procedure, helper and note are behind "More
 * details". Below the form: the day's log at the desk, with the self-service count, where an entry
 * recorded by mistake can be voided.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Checkbox, Collapse, DatePicker, Form, Input, Radio, Select, Tag, type FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { todayInVietnam } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { listDesks, listDevices, listHelp, recordHelp, teamsWithMembers, voidHelp, type Desk, type HelpEntry, type HelpInput } from './api.js';
import { clientRef, DeskPage, DEVICE_KINDS, FormModal, HELP_KINDS, HELP_OUTCOMES, labelOf, LoadError, timeOf } from './common.js';

export function HelpPage() {
  return (
    <DeskPage permission="desk.help-log" title="desk.help.title">
      <QuickHelp />
    </DeskPage>
  );
}

const DESK_KEY = 'motcua.desk.help-desk';
const PIN = /^[0-9]{12}$/;
const SERVICE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,59}$/;
const KINDS = Object.keys(HELP_KINDS) as HelpInput['kind'][];
const OUTCOMES = Object.keys(HELP_OUTCOMES) as HelpInput['outcome'][];

function rememberedDesk(): number | undefined {
  try {
    const n = Number(localStorage.getItem(DESK_KEY));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function rememberDesk(id: number): void {
  try {
    localStorage.setItem(DESK_KEY, String(id));
  } catch {
    // Not remembered: the officer picks the desk again next time.
  }
}

interface HelpValues {
  deskId?: number;
  kind?: HelpInput['kind'];
  outcome: HelpInput['outcome'];
  citizenPin?: string;
  consent?: boolean;
  at?: Dayjs;
  deviceId?: number;
  helperMemberId?: number;
  serviceCode?: string;
  note?: string;
}

function QuickHelp() {
  const { t, lang } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<HelpValues>();
  const desks = useRemote(`desks:${lang}`, (signal) => listDesks({ lang, signal }));
  const active = (desks.data?.items ?? []).filter((d) => d.active);
  const deskId = Form.useWatch('deskId', form);
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState<HelpEntry>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const ref = useRef(clientRef());

  // The desk remembered on this device, or the only one there is.
  useEffect(() => {
    if (!desks.data || form.getFieldValue('deskId')) return;
    const open = desks.data.items.filter((d) => d.active);
    const remembered = rememberedDesk();
    const pick = open.find((d) => d.id === remembered) ?? (open.length === 1 ? open[0] : undefined);
    if (pick) form.setFieldValue('deskId', pick.id);
  }, [desks.data, form]);

  const submit = async (v: HelpValues) => {
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const entry = await recordHelp(
        {
          deskId: v.deskId!,
          kind: v.kind!,
          outcome: v.outcome,
          ...(v.at ? { at: `${v.at.format('YYYY-MM-DDTHH:mm')}:00+07:00` } : {}),
          ...(v.deviceId ? { deviceId: v.deviceId } : {}),
          ...(v.helperMemberId ? { helperMemberId: v.helperMemberId } : {}),
          ...(v.serviceCode?.trim() ? { serviceCode: v.serviceCode.trim() } : {}),
          ...(v.citizenPin?.trim() ? { citizenPin: v.citizenPin.trim(), consent: v.consent === true } : {}),
          ...(v.note?.trim() ? { note: v.note.trim() } : {}),
          clientRef: ref.current,
        },
        { lang },
      );
      ref.current = clientRef();
      rememberDesk(v.deskId!);
      setSaved(entry);
      form.resetFields(['kind', 'outcome', 'citizenPin', 'consent', 'at', 'deviceId', 'helperMemberId', 'serviceCode', 'note']);
      setVersion((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (desks.data && active.length === 0) {
    return (
      <p className="empty">
        {t('desk.help.noDesks')} {session.can('desk.manage') && <Link href="/desk/sites">{t('desk.roster.toSites')}</Link>}
      </p>
    );
  }

  return (
    <div className="help-layout">
      <LoadError error={desks.error} onRetry={desks.retry} />
      <Form<HelpValues>
        form={form}
        layout="vertical"
        name="desk-help"
        className="help-form"
        initialValues={{ outcome: 'completed' }}
        onFinish={submit}
        onValuesChange={(changed: Partial<HelpValues>) => 'kind' in changed && setSaved(undefined)}
        requiredMark={false}
        disabled={busy}
      >
        <Form.Item name="deskId" label={t('desk.help.desk')} rules={[{ required: true, message: t('desk.help.deskRequired') }]} className="help-desk">
          <Select<number> size="large" placeholder={t('desk.help.chooseDesk')} loading={desks.loading} options={active.map((d) => ({ value: d.id, label: `${d.name} · ${d.siteName}` }))} onChange={(id) => rememberDesk(id)} />
        </Form.Item>
        <Form.Item name="kind" label={<span id="help-kind-label">{t('desk.help.kind')}</span>} rules={[{ required: true, message: t('desk.help.kindRequired') }]}>
          <Radio.Group className="help-choices help-kinds" buttonStyle="solid" aria-labelledby="help-kind-label">
            {KINDS.map((k) => (
              <Radio.Button key={k} value={k} title={labelOf(HELP_KINDS, k, lang)}>
                {t(`desk.help.kindShort.${k}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="outcome" label={<span id="help-outcome-label">{t('desk.help.outcome')}</span>}>
          <Radio.Group className="help-choices help-outcomes" buttonStyle="solid" aria-labelledby="help-outcome-label">
            {OUTCOMES.map((o) => (
              <Radio.Button key={o} value={o}>
                {t(`desk.help.outcomeShort.${o}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <div className="help-citizen">
          <Form.Item name="citizenPin" label={t('desk.help.pin')} rules={[{ pattern: PIN, message: t('desk.help.pinInvalid') }]} className="help-pin">
            <Input inputMode="numeric" maxLength={12} autoComplete="off" placeholder={t('desk.help.pinPlaceholder')} />
          </Form.Item>
          <Form.Item
            name="consent"
            valuePropName="checked"
            dependencies={['citizenPin']}
            rules={[({ getFieldValue }) => ({ validator: async (_, v?: boolean) => { if (String(getFieldValue('citizenPin') ?? '').trim() && v !== true) throw new Error(t('desk.help.consentRequired')); } })]}
            className="help-consent"
          >
            <Checkbox>{t('desk.help.consent')}</Checkbox>
          </Form.Item>
        </div>
        <Details form={form} deskId={deskId} desks={active} />
        {error !== undefined && <ProblemAlert error={error} />}
        {/* Always in reach of the thumb on a phone, however long the form; the last entry is confirmed there until the next one starts. */}
        <div className="help-submit-bar">
          {saved && (
            <Alert
              type="success"
              showIcon
              role="status"
              className="help-saved"
              title={t('desk.help.saved', { kind: labelOf(HELP_KINDS, saved.kind, lang), outcome: labelOf(HELP_OUTCOMES, saved.outcome, lang), time: timeOf(saved.at) })}
            />
          )}
          <Button type="primary" htmlType="submit" size="large" block loading={busy} className="help-submit">
            {t('desk.help.submit')}
          </Button>
        </div>
      </Form>
      <DayLog deskId={deskId} desks={active} version={version} onChanged={() => setVersion((n) => n + 1)} />
    </div>
  );
}

/** Optional fields: another time, the device used, the procedure, who helped, a note. */
function Details({ form, deskId, desks }: { form: FormInstance<HelpValues>; deskId: number | undefined; desks: Desk[] }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const desk = desks.find((d) => d.id === deskId);
  const devices = useRemote(open && desk ? `devices:${desk.siteId}:${lang}` : null, (signal) => listDevices({ lang, signal }, desk!.siteId));
  const teams = useRemote(open ? `teams-members:${lang}` : null, (signal) => teamsWithMembers({ lang, signal }));
  const today = todayInVietnam();
  const members = (teams.data ?? []).flatMap((team) => team.members.filter((m) => m.leftOn === null || m.leftOn >= today));
  useEffect(() => form.setFieldValue('deviceId', undefined), [deskId, form]);

  return (
    <Collapse
      className="help-details"
      ghost
      onChange={(keys) => setOpen(keys.length > 0)}
      items={[
        {
          key: 'details',
          label: t('desk.help.details'),
          forceRender: true,
          children: (
            <>
              <Form.Item name="at" label={t('desk.help.at')} extra={t('desk.help.atHint')}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="DD/MM/YYYY HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} placeholder={t('desk.help.now')} />
              </Form.Item>
              <Form.Item name="deviceId" label={t('desk.help.device')}>
                <Select<number>
                  allowClear
                  loading={devices.loading}
                  options={(devices.data?.items ?? []).filter((d) => d.status === 'working').map((d) => ({ value: d.id, label: [labelOf(DEVICE_KINDS, d.kind, lang), d.model, d.serial].filter(Boolean).join(' · ') }))}
                />
              </Form.Item>
              <Form.Item name="helperMemberId" label={t('desk.help.helper')} extra={t('desk.help.helperHint')}>
                <Select<number> allowClear showSearch={{ optionFilterProp: 'label' }} loading={teams.loading} options={members.map((m) => ({ value: m.id, label: m.fullName }))} />
              </Form.Item>
              <Form.Item name="serviceCode" label={t('desk.help.service')} rules={[{ pattern: SERVICE, message: t('desk.help.serviceInvalid') }]}>
                <Input maxLength={60} autoComplete="off" placeholder="1.001193" />
              </Form.Item>
              <Form.Item name="note" label={t('desk.note')}>
                <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} />
              </Form.Item>
            </>
          ),
        },
      ]}
    />
  );
}

/** Today's entries at the desk (or every desk), newest first, with the self-service count. */
function DayLog({ deskId, desks, version, onChanged }: { deskId: number | undefined; desks: Desk[]; version: number; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const today = todayInVietnam();
  const [allDesks, setAllDesks] = useState(false);
  const shownDesk = allDesks ? undefined : deskId;
  const log = useRemote(`help:${today}:${shownDesk ?? ''}:${version}:${lang}`, (signal) => listHelp({ from: today, to: today, deskId: shownDesk }, { lang, signal }));
  const [voiding, setVoiding] = useState<HelpEntry>();
  const entries = [...(log.data?.items ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  const counted = entries.filter((e) => !e.voidedAt);
  const alone = counted.filter((e) => e.kind === 'guided_self_filing').length;
  const onBehalf = counted.filter((e) => e.kind === 'filed_on_behalf').length;
  const deskName = (id: number) => desks.find((d) => d.id === id)?.name ?? '';

  return (
    <section className="help-log" aria-labelledby="help-log-title">
      <div className="desk-toolbar">
        <h2 id="help-log-title" className="section-heading">
          {t('desk.help.logTitle', { count: counted.length })}
        </h2>
        <Checkbox checked={allDesks} onChange={(e) => setAllDesks(e.target.checked)}>
          {t('desk.help.allDesks')}
        </Checkbox>
      </div>
      {counted.length > 0 && <p className="muted help-self">{t('desk.help.selfService', { alone, onBehalf })}</p>}
      <LoadError error={log.error} onRetry={log.retry} />
      {log.data && entries.length === 0 && <p className="empty">{t('desk.help.logEmpty')}</p>}
      <ol className="plain-list help-entries">
        {entries.map((e) => (
          <li key={e.id} className={e.voidedAt ? 'help-entry help-entry-void' : 'help-entry'}>
            <span className="help-time number">{timeOf(e.at)}</span>
            <div className="help-body">
              <div className="help-what">
                <span className="help-kind">{labelOf(HELP_KINDS, e.kind, lang)}</span> <Tag className={`help-outcome help-outcome-${e.outcome}`}>{labelOf(HELP_OUTCOMES, e.outcome, lang)}</Tag>
              </div>
              <div className="muted help-meta">
                {[allDesks || !deskId ? deskName(e.deskId) : '', e.helperName ?? '', e.citizenPinMasked ? t('desk.help.citizenOf', { pin: e.citizenPinMasked }) : '', e.serviceCode ? t('desk.help.serviceOf', { code: e.serviceCode }) : '', e.note ?? '']
                  .filter(Boolean)
                  .join(' · ')}
              </div>
              {e.voidedAt && <div className="desk-warn">{t('desk.help.voided', { reason: e.voidReason ?? '' })}</div>}
            </div>
            {!e.voidedAt && session.can('desk.help-log') && (
              <Button size="small" type="link" className="inline-button help-void" onClick={() => setVoiding(e)} aria-label={t('desk.help.voidOf', { time: timeOf(e.at), kind: labelOf(HELP_KINDS, e.kind, lang) })}>
                {t('desk.help.void')}
              </Button>
            )}
          </li>
        ))}
      </ol>
      <FormModal<{ reason: string }>
        title={t('desk.help.voidTitle')}
        name="desk-help-void"
        open={voiding !== undefined}
        onClose={() => setVoiding(undefined)}
        okText={t('desk.help.void')}
        onSubmit={async (v) => {
          await voidHelp(voiding!.id, v.reason.trim(), { lang });
          onChanged();
        }}
      >
        {voiding && <p>{t('desk.help.voidHint', { time: timeOf(voiding.at), kind: labelOf(HELP_KINDS, voiding.kind, lang) })}</p>}
        <Form.Item name="reason" label={t('desk.help.voidReason')} rules={[{ required: true, whitespace: true, message: t('desk.required') }]}>
          <Input maxLength={300} autoComplete="off" />
        </Form.Item>
      </FormModal>
    </section>
  );
}
