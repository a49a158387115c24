/**
 * One dossier (`/dossiers/{code}`) for staff within reach: its state and due date, the actions the
 * state allows (those the officer's permissions cover), the facts, the timeline of transitions
 * (append-only, with actor, time and reason), the forms it has issued (01–06, PDF), the
 * attachments (download, add) and the form as filed, labelled from the catalog version it was
 * filed under.
 *
 * The citizen whose dossier it is (signed in with their e-ID account, no officer signed in in the
 * tab) sees the same page in their session, from "My dossiers" (`/ho-so-cua-toi`), with their next
 * step in place of the officer's actions: the supplement request and the resubmission when the
 * dossier was returned for completion (Resubmission.tsx).
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { Alert, Button, Card, ConfigProvider, DatePicker, Descriptions, Form, Input, Modal, Spin, Tag, Timeline, type DescriptionsProps, type ThemeConfig } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { DownloadButton } from '../../components/DownloadButton.js';
import { FilePicker } from '../../components/FilePicker.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireCitizen } from '../../components/RequireCitizen.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { UnitName } from '../../components/UnitName.js';
import { useI18n, type Translate } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession, type Session } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { getService } from '../services/api.js';
import { attachmentPath, formPath, getDossier, takeAction, uploadAttachment, type ActionBody, type Dossier, type DossierEvent } from './api.js';
import { ACCEPT_FILES, acceptableFile, channelLabel, daysLabel, enumLabel, eventLabel, formatDay, formatMoment, formatSize, formLabel, PageHead, StateTag, stateLabel } from './common.js';
import { CitizenNextStep } from './Resubmission.js';
import { labelOf, type JsonSchema } from './SchemaForm.js';

type Action = Dossier['allowedActions'][number];

/** Actions that need a reason (src/dossiers/workflow.ts ACTION_RULES `reasonRequired`); the server checks it too. */
const REASON_REQUIRED: ReadonlySet<Action> = new Set(['return_for_completion', 'refuse', 'reject', 'apologize', 'stop']);
/** Actions that end or refuse a dossier: shown as danger buttons. */
const DANGER: ReadonlySet<Action> = new Set(['refuse', 'reject', 'stop']);
const HANDLER = /^[a-z0-9._-]{3,64}$/;
/**
 * Ant Design's red (#ff4d4f) is 3.3:1 on white: the danger buttons (refuse, reject, stop) and their
 * dialogs use a darker one (5.6:1, WCAG 1.4.3), as the e-ID pages do.
 */
const DOSSIER_THEME: ThemeConfig = { token: { colorError: '#c62828' } };

/** Whose session the page's calls are made in: an officer's, or the citizen's whose dossier it is. */
type Viewer = 'staff' | 'citizen';
const ViewerContext = createContext<Viewer>('staff');

/**
 * Whether the page shows the dossier to a citizen: no officer who may see dossiers is signed in in
 * this tab, and a citizen is (or is being checked, or their session just ended and they must sign
 * in again). Anyone else goes the staff way (sign-in page, or "not allowed").
 */
function asCitizen(session: Session): boolean {
  if (session.state.status === 'loading' || session.can('dossier.process') || session.can('dossier.intake')) return false;
  const c = session.citizen.state;
  return c.status !== 'anonymous' || c.expired;
}

export function DossierPage({ code }: { code: string }) {
  const session = useSession();
  if (asCitizen(session)) {
    return (
      <RequireCitizen>
        <ViewerContext.Provider value="citizen">
          <DossierView key={code} code={code} />
        </ViewerContext.Provider>
      </RequireCitizen>
    );
  }
  return (
    <RequireStaff permission={session.can('dossier.process') ? 'dossier.process' : 'dossier.intake'}>
      <DossierView key={code} code={code} />
    </RequireStaff>
  );
}

function DossierView({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const viewer = useContext(ViewerContext);
  const remote = useRemote(`${code}|${lang}|${viewer}`, (signal) => getDossier(code, { lang, signal, auth: viewer }));
  const [updated, setUpdated] = useState<Dossier>();
  const [notice, setNotice] = useState<string>();
  const d = updated ?? remote.data;

  const onChanged = (next: Dossier, message: string) => {
    setUpdated(next);
    setNotice(message);
  };

  return (
    <ConfigProvider theme={DOSSIER_THEME}>
      {(viewer === 'citizen' || session.can('dossier.process')) && (
        <div className="trail">
          <Link href={viewer === 'citizen' ? '/ho-so-cua-toi' : '/dossiers'}>
            <span aria-hidden="true">← </span>
            {t(viewer === 'citizen' ? 'dossier.backMine' : 'dossier.back')}
          </Link>
        </div>
      )}
      <PageHead title={t('dossier.title', { code })} extra={d && <> <StateTag state={d.state} t={t} /></>} />
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {!d && remote.loading && (
        <div className="page-loading" role="status">
          <Spin />
        </div>
      )}
      <div role="status">{notice && <Alert type="success" showIcon title={notice} />}</div>
      {d && (
        <>
          {d.overdue && <Alert type="error" showIcon title={t('dossier.overdueSince', { date: formatDay(d.overdueSince ?? d.dueDate) })} />}
          <div className="dossier-layout">
            <div className="dossier-main">
              {viewer === 'citizen' ? <CitizenNextStep dossier={d} onChanged={onChanged} /> : <Actions dossier={d} onChanged={onChanged} />}
              <Facts dossier={d} />
              <FormDataCard dossier={d} />
            </div>
            <div className="dossier-side">
              <TimelineCard dossier={d} />
              <Documents dossier={d} />
              <Attachments dossier={d} onChanged={(next, name) => onChanged(next, t('dossier.attached', { name }))} />
            </div>
          </div>
        </>
      )}
    </ConfigProvider>
  );
}

function Facts({ dossier: d }: { dossier: Dossier }) {
  const { t, lang } = useI18n();
  const due = d.dueDate ? (
    <>
      <strong className={d.overdue ? 'due-overdue' : undefined}>{formatDay(d.dueDate)}</strong>
      {d.originalDueDate && d.originalDueDate !== d.dueDate && <span className="muted"> ({t('dossier.originalDue', { date: formatDay(d.originalDueDate) })})</span>}
    </>
  ) : (
    <span className="muted">{t('dossier.noDueYet')}</span>
  );
  const items: DescriptionsProps['items'] = [
    { key: 'service', label: t('dossier.service'), children: <>{lang === 'en' ? (d.service.nameEn ?? d.service.nameVi) : d.service.nameVi}<div className="muted">{t('dossier.serviceVersion', { code: d.service.code, version: d.service.version })}</div></> },
    { key: 'applicant', label: t('dossier.applicant'), children: d.applicant.fullName },
    ...(d.applicant.pin ? [{ key: 'pin', label: t('dossier.pin'), children: <span className="number">{d.applicant.pin}</span> }] : []),
    ...(d.applicant.phone ? [{ key: 'phone', label: t('dossier.phone'), children: <span className="number">{d.applicant.phone}</span> }] : []),
    ...(d.applicant.email ? [{ key: 'email', label: t('dossier.email'), children: d.applicant.email }] : []),
    { key: 'channel', label: t('dossier.channel'), children: `${channelLabel(t, d.channel)} · ${t(`dossiers.filedBy.${d.filedBy}`)}` },
    ...(d.assistance
      ? [
          {
            key: 'assistance',
            label: t('dossier.assistance'),
            children: t('dossier.assistanceText', { helper: d.assistance.helper, site: d.assistance.site, equipment: d.assistance.equipmentId, consent: t(`filing.consent.${d.assistance.consent.method}`) }),
          },
        ]
      : []),
    { key: 'unit', label: t('dossier.unit'), children: <UnitName code={d.unitCode} at={d.unitDate} short /> },
    { key: 'submitted', label: t('dossier.submittedAt'), children: formatMoment(d.submittedAt, lang) },
    ...(d.receivedAt ? [{ key: 'received', label: t('dossier.receivedAt'), children: formatMoment(d.receivedAt, lang) }] : []),
    { key: 'limit', label: t('dossier.timeLimit'), children: <>{daysLabel(t, d.workingDays)}{d.startDate && <span className="muted"> ({t('dossier.startDate', { date: formatDay(d.startDate) })})</span>}</> },
    { key: 'due', label: t('dossier.dueDate'), children: <>{due}{d.clockPaused && <div><Tag className="tag-paused">{t('dossier.pausedLeft', { n: d.pausedRemaining ?? 0 })}</Tag></div>}</> },
    { key: 'handler', label: t('dossier.handler'), children: d.handler ?? <span className="muted">{t('dossier.noHandler')}</span> },
    ...(d.completedAt
      ? [{ key: 'completed', label: t('dossier.completed'), children: <>{formatMoment(d.completedAt, lang)}{d.onTime !== null && <> <Tag className={d.onTime ? 'tag-on' : 'tag-overdue'}>{t(d.onTime ? 'dossier.onTime' : 'dossier.late')}</Tag></>}</> }]
      : []),
  ];
  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('dossier.facts')}</h2>}>
      <Descriptions column={1} size="small" items={items} className="dossier-facts" />
    </Card>
  );
}

/** The buttons of the actions the state allows and the officer may take; each opens its dialog. */
function Actions({ dossier: d, onChanged }: { dossier: Dossier; onChanged: (d: Dossier, message: string) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [open, setOpen] = useState<Action>();
  const mine = d.allowedActions.filter((a) => session.can(a === 'resubmit' ? 'dossier.intake' : 'dossier.process'));
  // A closed dossier (or one the officer cannot act on) needs no card: a line says so. The API lists
  // only the viewer's own actions, so a closed dossier is told by `closedAt`, not by an empty list.
  if (mine.length === 0) return <p className="muted no-actions">{d.closedAt !== null ? t('dossier.noActions') : t('dossier.noActionsForYou')}</p>;
  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('dossier.actions')}</h2>}>
      <div className="button-row action-buttons">
        {mine.map((a, i) => (
          <Button key={a} type={i === 0 ? 'primary' : 'default'} danger={DANGER.has(a)} onClick={() => setOpen(a)}>
            {t(`dossiers.action.${a}`)}
          </Button>
        ))}
      </div>
      {open && <ActionDialog dossier={d} action={open} onClose={() => setOpen(undefined)} onDone={(next) => (setOpen(undefined), onChanged(next, t('dossier.done', { action: t(`dossiers.action.${open}`) })))} />}
    </Card>
  );
}

interface ActionValues {
  reason?: string;
  handler?: string;
  toUnit?: string;
  newDueDate?: Dayjs | null;
}

function ActionDialog({ dossier: d, action, onClose, onDone }: { dossier: Dossier; action: Action; onClose: () => void; onDone: (d: Dossier) => void }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<ActionValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const needsReason = REASON_REQUIRED.has(action);
  const finish = async (v: ActionValues) => {
    setBusy(true);
    setError(undefined);
    const body: ActionBody = {
      action,
      version: d.version,
      ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
      ...(action === 'assign' ? { handler: v.handler?.trim(), ...(v.toUnit?.trim() ? { toUnit: v.toUnit.trim() } : {}) } : {}),
      ...(action === 'apologize' && v.newDueDate ? { newDueDate: v.newDueDate.format('YYYY-MM-DD') } : {}),
    };
    try {
      onDone(await takeAction(d.code, body, { lang }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const title = t(`dossiers.action.${action}`);
  return (
    <Modal open title={title} onCancel={onClose} onOk={() => form.submit()} okText={t('dossier.confirm')} cancelText={t('dossier.cancel')} confirmLoading={busy} okButtonProps={{ danger: DANGER.has(action) }} destroyOnHidden>
      <p>{t(`dossier.actionIntro.${action}`)}</p>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<ActionValues> form={form} layout="vertical" name={`action-${action}`} onFinish={finish} disabled={busy} initialValues={{ handler: session.staff?.username }} requiredMark="optional">
        {action === 'assign' && (
          <>
            <Form.Item name="handler" label={t('dossier.assignHandler')} rules={[{ required: true, pattern: HANDLER, message: t('dossier.assignHandlerInvalid') }]}>
              <Input maxLength={64} autoComplete="off" />
            </Form.Item>
            <Form.Item name="toUnit" label={t('dossier.toUnit')}>
              <Input maxLength={200} autoComplete="off" />
            </Form.Item>
          </>
        )}
        {action === 'apologize' && (
          <Form.Item name="newDueDate" label={t('dossier.newDueDate')} rules={[{ required: true, message: t('dossier.newDueRequired') }]}>
            <DatePicker format="DD/MM/YYYY" disabledDate={(day) => (d.dueDate ? !day.isAfter(dayjs(d.dueDate), 'day') : false)} />
          </Form.Item>
        )}
        {(needsReason || action === 'assign' || action === 'receive' || action === 'approve') && (
          <Form.Item
            name="reason"
            label={action === 'return_for_completion' ? t('dossier.reason.return_for_completion') : t('dossier.reason')}
            rules={needsReason ? [{ required: true, whitespace: true, message: t('dossier.reasonRequired') }] : []}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} />
          </Form.Item>
        )}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      </Form>
    </Modal>
  );
}

function TimelineCard({ dossier: d }: { dossier: Dossier }) {
  const { t } = useI18n();
  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('dossier.timeline')}</h2>}>
      <Timeline className="dossier-timeline" items={[...d.events].reverse().map((e) => ({ key: e.seq, color: e.action === 'flag_overdue' ? 'red' : 'blue', content: <EventText event={e} /> }))} />
    </Card>
  );
}

/**
 * Who took a step, in words: an officer by their username, a citizen (the e-ID account id is not
 * meant for people), the command line and the platform's own steps by their role.
 */
function actorName(t: Translate, actor: DossierEvent['actor']): string {
  switch (actor.kind) {
    case 'staff':
      return actor.id;
    case 'citizen':
      return t('dossier.actor.citizen');
    case 'cli':
      return t('dossier.actor.cli');
    default:
      return t('dossier.actor.system');
  }
}

function EventText({ event: e }: { event: DossierEvent }) {
  const { t, lang } = useI18n();
  const handler = typeof e.data.handler === 'string' ? e.data.handler : undefined;
  const newDue = typeof e.data.newDueDate === 'string' ? e.data.newDueDate : undefined;
  return (
    <div className="event">
      <div className="event-title">
        <strong>{eventLabel(t, e.action)}</strong>
        {e.fromState !== e.toState && <span className="muted"> → {stateLabel(t, e.toState)}</span>}
        {e.form && <Tag className="tag-form">{t('dossiers.formNo', { form: e.form })}</Tag>}
      </div>
      <div className="muted">
        <span className="number">{formatMoment(e.at, lang)}</span> · {t('dossier.by', { actor: actorName(t, e.actor) })}
      </div>
      {handler && e.action === 'assign' && <div>{t('dossier.handlerShown', { handler })}</div>}
      {newDue && <div>{t('dossier.newDueShown', { date: formatDay(newDue) })}</div>}
      {e.reason && <div className="event-reason">{e.action === 'resubmit' ? t('dossier.noteShown', { note: e.reason }) : t('dossier.reasonShown', { reason: e.reason })}</div>}
    </div>
  );
}

function Documents({ dossier: d }: { dossier: Dossier }) {
  const { t } = useI18n();
  const viewer = useContext(ViewerContext);
  const forms = d.forms.filter((f) => f !== '07');
  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('dossier.documents')}</h2>}>
      {forms.length === 0 ? (
        <p className="muted">{t('dossier.noDocuments')}</p>
      ) : (
        <ul className="doc-downloads">
          {forms.map((f) => (
            <li key={f}>
              <DownloadButton path={formPath(d.code, f)} fallbackName={`${d.code}-mau-${f}.pdf`} label={`${t('dossiers.formNo', { form: f })}: ${formLabel(t, f)}`} auth={viewer} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Attachments({ dossier: d, onChanged }: { dossier: Dossier; onChanged: (d: Dossier, name: string) => void }) {
  const { t, lang } = useI18n();
  const viewer = useContext(ViewerContext);
  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const closed = d.state === 'refused' || d.state === 'result_returned' || d.state === 'stopped';
  // A citizen asked to complete the dossier hands the files in with the resubmission (Resubmission.tsx).
  const inResubmission = viewer === 'citizen' && d.allowedActions.includes('resubmit');
  const choose = (f: File | undefined) => {
    setFile(f);
    setError(undefined);
    setFileError(f && !acceptableFile(f) ? t('filing.fileType', { name: f.name }) : undefined);
  };
  const upload = async () => {
    if (!file || fileError) return;
    setBusy(true);
    setError(undefined);
    try {
      await uploadAttachment(d.code, file, { lang, auth: viewer });
      onChanged(await getDossier(d.code, { lang, auth: viewer }), file.name);
      setFile(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('dossier.attachments')}</h2>}>
      {d.attachments.length === 0 ? (
        <p className="muted">{t('dossier.noAttachments')}</p>
      ) : (
        <ul className="doc-downloads">
          {d.attachments.map((a) => (
            <li key={a.id}>
              <DownloadButton path={attachmentPath(d.code, a.id)} fallbackName={a.fileName} label={`${a.fileName} (${formatSize(a.size, lang)})`} auth={viewer} />
              <div className="muted attachment-meta">
                {formatMoment(a.uploadedAt, lang)} · {a.uploadedBy}
              </div>
            </li>
          ))}
        </ul>
      )}
      {!closed && !inResubmission && (
        <div className="attach-new">
          <label htmlFor="attach-file" className="visually-hidden">
            {t('dossier.attach')}
          </label>
          <FilePicker id="attach-file" file={file} error={fileError} accept={ACCEPT_FILES} disabled={busy} onChange={choose} />
          {fileError && (
            <div id="attach-file-help" className="field-error" role="alert">
              {fileError}
            </div>
          )}
          {error !== undefined && <ProblemAlert error={error} />}
          <Button onClick={upload} loading={busy} disabled={!file || Boolean(fileError)}>
            {t('dossier.attach')}
          </Button>
        </div>
      )}
    </Card>
  );
}

/** The form as filed, labelled from the catalog version the dossier was filed under. */
function FormDataCard({ dossier: d }: { dossier: Dossier }) {
  const { t, lang } = useI18n();
  const service = useRemote(`${d.service.code}@${d.service.version}|${lang}`, (signal) => getService(d.service.code, { lang, signal }, d.service.version));
  const schema = service.data?.formSchema as JsonSchema | undefined;
  const locked = new Set(d.lockedFields);
  return (
    <Card className="detail-card" title={<h2 className="card-heading">{t('dossier.formData')}</h2>}>
      {service.error !== undefined && <ProblemAlert error={service.error} onRetry={service.retry} />}
      {schema ? <DataView schema={schema} value={d.formData} path={[]} locked={locked} at={d.unitDate} t={t} lang={lang} /> : service.loading && <Spin />}
    </Card>
  );
}

/** The form data as filed; `at`: the filing day, as of which the unit codes in it are named. */
function DataView({ schema, value, path, locked, at, t, lang }: { schema: JsonSchema; value: unknown; path: string[]; locked: ReadonlySet<string>; at: string; t: Translate; lang: 'vi' | 'en' }): ReactNode {
  const entries = Object.entries(schema.properties ?? {}).filter(([k]) => value && typeof value === 'object' && (value as Record<string, unknown>)[k] !== undefined);
  return (
    <dl className="data-view">
      {entries.map(([k, prop]) => {
        const v = (value as Record<string, unknown>)[k];
        const label = labelOf(prop, lang, k);
        const here = [...path, k];
        let shown: ReactNode;
        if (prop.type === 'object') shown = <DataView schema={prop} value={v} path={here} locked={locked} at={at} t={t} lang={lang} />;
        else if (prop.type === 'array' && Array.isArray(v))
          shown =
            prop.items?.type === 'object' ? (
              <ol className="data-list">
                {v.map((item, i) => (
                  <li key={i}>
                    <DataView schema={prop.items!} value={item} path={[...here, String(i)]} locked={locked} at={at} t={t} lang={lang} />
                  </li>
                ))}
              </ol>
            ) : (
              v.map((x) => enumLabel(lang, x as string)).join(', ')
            );
        else if (typeof v === 'boolean') shown = t(v ? 'dossier.yes' : 'dossier.no');
        // Dates, and dates known to the year or month only (`x-form` "YYYY, YYYY-MM hoặc YYYY-MM-DD"): dd/mm/yyyy.
        else if ((prop.format === 'date' || prop['x-form']?.startsWith('YYYY')) && typeof v === 'string') shown = formatDay(v);
        else if (prop.enum) shown = enumLabel(lang, v as string | number);
        // An administrative unit by its code (`x-widget` unit): its name on the filing day, the code after it.
        else if (prop['x-widget'] === 'unit' && typeof v === 'string') shown = <UnitName code={v} at={at} short />;
        else shown = String(v);
        return (
          <div key={k} className={prop.type === 'object' || prop.items?.type === 'object' ? 'data-group' : 'data-item'}>
            <dt>
              {label}
              {locked.has(here.join('/')) && <span className="muted data-locked"> ({t('dossier.locked')})</span>}
            </dt>
            <dd>{shown}</dd>
          </div>
        );
      })}
    </dl>
  );
}
