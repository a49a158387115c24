/**
 * Filing a dossier for a procedure (`/services/{code}/file`): the intake particulars, the form
 * rendered from the procedure's JSON Schema, the documents to attach, then the receipt.
 *
 * Staff with `dossier.intake` file on the channels `counter` (at the one-stop desk), `on_behalf`
 * (for a citizen who is present: desk, equipment and the citizen's consent are recorded; the
 * helper is the signed-in officer) and `mobile` (a campaign). The receipt gives the dossier code;
 * an officer who also holds `dossier.process` receives the dossier there, which sets the due date
 * and issues the receipt and appointment slip (form 01, PDF).
 *
 * A citizen signed in with their e-ID account (`session.citizen`, web/src/session.tsx) files
 * online (`online`, calls made with `auth: 'citizen'`): the fields the procedure pre-fills from the
 * population registry are shown locked and left out of the data; the server fills them from the
 * registry and says which in the receipt (issue 6 §3). No API gives those values before filing,
 * so the page shows the name from the e-ID account and "filled in on filing" for the rest. The
 * receiving unit defaults to the account's commune; an account below the procedure's assurance
 * level is told so before filling anything in.
 *
 * At the counter, an officer who may read the registry (`citizen.read`) fills the same fields from
 * the national population database before the form ({@link RegistryLookup}): the citizen's
 * 12-digit number and the stated purpose (the population pages' purpose dialog, kept for the
 * session) fetch the values (`GET /services/{code}/prefill`, audited like opening the record);
 * they fill the form and the applicant fields, stay editable (the officer checks them against the
 * citizen's papers) and are marked as coming from the registry.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, Radio, Result, Select, Spin, Steps, Typography } from 'antd';
import { ApiError, getUnit, problemCode, type CallOptions, type CitizenMeDto, type Purpose, type StaffMeDto, type UnitDetailDto, type UnitLink } from '../../api.js';
import { DownloadButton } from '../../components/DownloadButton.js';
import { FilePicker } from '../../components/FilePicker.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { PurposeBar, PurposeDialog } from '../../components/Purpose.js';
import { placeName } from '../../components/UnitName.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { useSettled } from '../../useSettled.js';
import { todayInVietnam } from '../../dates.js';
import { getService, listServices, type Service } from '../services/api.js';
import { formPath, getCounterPrefill, submitDossier, takeAction, uploadAttachment, type CounterPrefill, type Dossier, type Receipt, type SubmissionBody } from './api.js';
import { ACCEPT_FILES, acceptableFile, daysLabel, formatDay, formatMoment, PageHead, randomKey, StateTag } from './common.js';
import { fieldErrorsToForm, formData, labelOf, SchemaFields, unsupportedKeywords, useErrorsAcrossLanguages, type JsonSchema } from './SchemaForm.js';

type StaffChannel = 'counter' | 'on_behalf' | 'mobile';
const STAFF_CHANNELS: readonly StaffChannel[] = ['counter', 'on_behalf', 'mobile'];
const CONSENT_METHODS = ['signed_paper', 'verbal_witnessed', 'vneid_confirmation'] as const;
const UNIT = /^[0-9]{2}([0-9]{3})?$/;
const PIN = /^[0-9]{12}$/;
const PHONE = /^(0|\+84)[0-9]{9}$/;

/**
 * The unit in force today for a unit code kept with the date it refers to (a citizen's registry
 * residence of 2023, before the 2025 reform), looked up as of that date (a pre-2025 code looked up
 * as of today would answer 404): the code itself while in force, else the successor that took it
 * over wholly, else the code with the ended unit, for the citizen to choose today's.
 */
async function unitToday(unit: { code: string; date: string }, today: string, options: CallOptions): Promise<{ code: string; ended?: UnitDetailDto }> {
  let d: UnitDetailDto;
  try {
    d = await getUnit(unit.code, unit.date, options);
  } catch {
    return { code: unit.code };
  }
  if (d.validUntil === null || d.validUntil >= today) return { code: unit.code };
  const full = d.successors.filter((l) => l.kind === 'full');
  return full.length === 1 ? { code: full[0]!.code } : { code: unit.code, ended: d };
}

/** Where a dossier would be filed today, as the server judges it on filing. */
type Placement =
  | { kind: 'ready'; code: string; unit: UnitDetailDto; deployed: boolean }
  /** A unit that ended before today (known from the account's date; no request made). */
  | { kind: 'ended'; code: string; unit: UnitDetailDto }
  /** No unit with the code today (UNIT_NOT_FOUND), with its successors when it was merged. */
  | { kind: 'missing'; code: string; successors: UnitLink[] };

/**
 * The unit `code` as of `today` and whether `service` is deployed there: the services deployed at
 * the unit or a unit above it on the day (`GET /services?unit=&on=`, the rule the server applies
 * on filing, src/services/deployments.ts), not a rule of the page's own.
 */
async function placementOf(code: string, service: string, today: string, ended: Map<string, UnitDetailDto>, options: CallOptions): Promise<Placement> {
  const known = ended.get(code);
  if (known) return { kind: 'ended', code, unit: known };
  let unit: UnitDetailDto;
  try {
    unit = await getUnit(code, today, options);
  } catch (e) {
    if (problemCode(e) !== 'UNIT_NOT_FOUND') throw e;
    return { kind: 'missing', code, successors: e instanceof ApiError ? ((e.problem as { successors?: UnitLink[] }).successors ?? []) : [] };
  }
  const offered = await listServices({ unit: code, on: today }, options);
  return { kind: 'ready', code, unit, deployed: offered.items.some((s) => s.code === service) };
}

export type FilingMode = { kind: 'staff'; staff: StaffMeDto } | { kind: 'citizen'; account: CitizenMeDto };

export function FilingPage({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const remote = useRemote(`${code}|${lang}`, (signal) => getService(code, { lang, signal }));
  const s = remote.data;
  const name = s ? (lang === 'vi' ? s.nameVi : s.nameEn) : undefined;

  let body;
  if (remote.error !== undefined) body = <ProblemAlert error={remote.error} onRetry={remote.retry} />;
  else if (!s || session.state.status === 'loading')
    body = (
      <div className="page-loading" role="status">
        <Spin />
      </div>
    );
  else if (session.state.status === 'error') body = <ProblemAlert error={session.state.error} onRetry={session.retry} />;
  else if (session.staff && session.can('dossier.intake')) body = <FilingForm key={s.code} service={s} mode={{ kind: 'staff', staff: session.staff }} />;
  else if (session.citizen.account) body = <FilingForm key={s.code} service={s} mode={{ kind: 'citizen', account: session.citizen.account }} />;
  else if (session.citizen.state.status === 'loading')
    body = (
      <div className="page-loading" role="status">
        <Spin />
      </div>
    );
  else if (session.staff) body = <Alert type="warning" showIcon title={t('filing.noIntake')} />;
  else body = <SignInNeeded service={s} />;

  return (
    <>
      <div className="trail">
        <Link href={`/services/${code}`}>
          <span aria-hidden="true">← </span>
          {t('filing.back')}
        </Link>
      </div>
      <PageHead title={name ? `${t('filing.title')}: ${name}` : t('filing.title')} />
      {body}
    </>
  );
}

function SignInNeeded({ service }: { service: Service }) {
  const { t } = useI18n();
  return (
    <Result
      status="info"
      title={<h2 className="result-title">{t('filing.signIn.title')}</h2>}
      subTitle={t('filing.signIn.text', { n: service.requiredAssuranceLevel })}
      extra={
        <div className="button-row sign-in-choices">
          <Link className="link-button link-button-primary" href={hrefOf('/eid/sign-in', { next: `/services/${service.code}/file` })}>
            {t('filing.signIn.citizen')}
          </Link>
          <Link className="link-button" href={hrefOf('/sign-in', { next: `/services/${service.code}/file` })}>
            {t('filing.signIn.staff')}
          </Link>
        </div>
      }
    />
  );
}

interface IntakeValues {
  channel: StaffChannel;
  unitCode?: string;
  site?: string;
  equipmentId?: string;
  campaign?: string;
  consentGiven?: boolean;
  consentMethod?: (typeof CONSENT_METHODS)[number];
  applicantName?: string;
  applicantPin?: string;
  applicantPhone?: string;
}

/** A file chosen for a document slot (`other`: any further document). */
interface Chosen {
  slot: string;
  file: File;
}

export interface Upload {
  file: File;
  status: 'pending' | 'done' | 'error';
  error?: unknown;
}

/** FNV-1a of a string, as 8 hex digits: the request part of an idempotency key. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The filing form of a procedure and, once filed, its receipt. A retry of the same submission
 * (double click, lost answer) carries the same `Idempotency-Key` and gets the first receipt back.
 */
export function FilingForm({ service, mode }: { service: Service; mode: FilingMode }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const [intake] = Form.useForm<IntakeValues>();
  const [today] = useState(todayInVietnam);
  // A citizen's unit from the registry may be a code that ended in the 2025 reform: offer today's.
  const accountUnit = mode.kind === 'citizen' ? mode.account.unit : undefined;
  const [resolved, setResolved] = useState(accountUnit === undefined);
  /** The account's unit as of today, offered again when another dossier is started. */
  const [homeUnit, setHomeUnit] = useState<string>();
  const [ended] = useState(() => new Map<string, UnitDetailDto>());
  useEffect(() => {
    if (!accountUnit) return;
    const controller = new AbortController();
    void unitToday(accountUnit, today, { lang, signal: controller.signal }).then((found) => {
      if (controller.signal.aborted) return;
      if (found.ended) ended.set(found.code, found.ended);
      if (found.code !== accountUnit.code && !intake.isFieldTouched('unitCode')) intake.setFieldValue('unitCode', found.code);
      setHomeUnit(found.code);
      setResolved(true);
    });
    return () => controller.abort();
  }, [accountUnit, ended, intake, lang, today]);
  const [dataForm] = Form.useForm();
  useErrorsAcrossLanguages(intake, lang);
  useErrorsAcrossLanguages(dataForm, lang);
  const schema = service.formSchema as JsonSchema;
  const locked = useMemo(() => new Set(mode.kind === 'citizen' ? Object.keys(service.prefill) : []), [mode.kind, service.prefill]);
  // What the page knows of the registry before filing: the name on the e-ID account.
  const prefilled = useMemo(
    () => (mode.kind === 'citizen' ? Object.fromEntries(Object.entries(service.prefill).filter(([, f]) => f === 'fullName').map(([p]) => [p, mode.account.fullName])) : {}),
    [mode, service.prefill],
  );
  const calls: CallOptions = { lang, auth: mode.kind === 'citizen' ? 'citizen' : 'staff' };
  const levelTooLow = mode.kind === 'citizen' && mode.account.level < service.requiredAssuranceLevel;
  const unsupported = useMemo(() => [...unsupportedKeywords(schema)], [schema]);
  const needsApplicant = mode.kind === 'staff' && !Object.values(service.prefill).includes('fullName');
  const channel = Form.useWatch('channel', intake) ?? 'counter';
  // The unit the dossier would go to, checked as soon as it is known: a procedure not deployed there
  // is said before the form, which is not offered (the server would refuse it: SERVICE_NOT_DEPLOYED).
  const typedUnit = (Form.useWatch('unitCode', intake) as string | undefined)?.trim() ?? '';
  const unitCode = useSettled(typedUnit || (mode.kind === 'staff' ? (mode.staff.unitCode ?? '') : ''), 300);
  const checkKey = resolved && !levelTooLow && UNIT.test(unitCode) ? `${service.code}|${unitCode}|${today}|${lang}` : null;
  const placement = useRemote(checkKey, (signal) => placementOf(unitCode, service.code, today, ended, { ...calls, signal }));
  // The answer for the unit typed; while the same unit is checked again (the language changed), the
  // last answer stands, so the form stays on screen with what was typed and marked instead of
  // leaving and coming back without its errors. Another unit is never shown with the last one's answer.
  const current = placement.data?.code === unitCode ? placement.data : undefined;
  const canFill = current ? current.kind === 'ready' && current.deployed : placement.error !== undefined && !placement.loading;
  const [sessionKey] = useState(randomKey);
  const [files, setFiles] = useState<Chosen[]>([]);
  const [fileErrors, setFileErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [invalid, setInvalid] = useState(false);
  const [receipt, setReceipt] = useState<Receipt>();
  const [uploads, setUploads] = useState<Upload[]>([]);
  /** The applicant's name as filed, for the receipt. */
  const [filedName, setFiledName] = useState<string>();
  // The counter's pre-fill from the registry: applied to the form once it is shown (it waits for the
  // unit check), once per answer, so that the officer's corrections are not overwritten.
  const [registry, setRegistry] = useState<CounterPrefill>();
  const [applied, setApplied] = useState<CounterPrefill>();
  const fromRegistry = useMemo(() => registry?.values ?? {}, [registry]);
  useEffect(() => {
    if (!registry || applied === registry || !canFill) return;
    for (const [pointer, value] of Object.entries(registry.values)) dataForm.setFieldValue(pointer.split('/'), value);
    setApplied(registry);
  }, [registry, applied, canFill, dataForm]);
  const fillFromRegistry = (answer: CounterPrefill) => {
    setRegistry(answer);
    setInvalid(false);
    if (needsApplicant) intake.setFieldsValue({ applicantName: answer.applicant.fullName, applicantPin: answer.applicant.pin, applicantPhone: answer.applicant.phone ?? undefined });
  };

  const slots = [...service.requiredDocuments.map((d) => ({ key: d.key, name: lang === 'vi' ? d.nameVi : d.nameEn, required: d.required })), { key: 'other', name: t('filing.otherFiles'), required: false }];

  const choose = (slot: string, file: File | undefined) => {
    setFiles((fs) => [...fs.filter((f) => f.slot !== slot), ...(file ? [{ slot, file }] : [])]);
    setFileErrors((e) => {
      const next = { ...e };
      if (file && !acceptableFile(file)) next[slot] = t('filing.fileType', { name: file.name });
      else delete next[slot];
      return next;
    });
  };

  const submit = async () => {
    setError(undefined);
    setInvalid(false);
    const [a, b] = await Promise.allSettled([intake.validateFields(), dataForm.validateFields()]);
    if (a.status === 'rejected' || b.status === 'rejected' || Object.keys(fileErrors).length > 0) {
      setInvalid(true);
      const first = a.status === 'rejected' ? { form: intake, err: a.reason } : b.status === 'rejected' ? { form: dataForm, err: b.reason } : undefined;
      const name = (first?.err as { errorFields?: { name: (string | number)[] }[] } | undefined)?.errorFields?.[0]?.name;
      if (first && name) first.form.scrollToField(name, { block: 'center', focus: true });
      return;
    }
    const v = intake.getFieldsValue(true) as IntakeValues;
    const data = formData(schema, dataForm.getFieldsValue(true), locked);
    const body: SubmissionBody =
      mode.kind === 'citizen'
        ? { serviceCode: service.code, channel: 'online', unitCode: v.unitCode?.trim() || mode.account.unit.code, data }
        : {
            serviceCode: service.code,
            channel: v.channel,
            ...(v.unitCode?.trim() ? { unitCode: v.unitCode.trim() } : {}),
            data,
            ...(needsApplicant
              ? { applicant: { fullName: v.applicantName?.trim(), ...(v.applicantPin ? { pin: v.applicantPin } : {}), ...(v.applicantPhone ? { phone: v.applicantPhone } : {}) } }
              : {}),
            ...(v.channel !== 'counter'
              ? {
                  assistance: {
                    site: v.site?.trim() ?? '',
                    equipmentId: v.equipmentId?.trim() ?? '',
                    consent: { given: v.consentGiven === true, method: v.consentMethod ?? 'signed_paper' },
                    ...(v.channel === 'mobile' && v.campaign?.trim() ? { campaign: v.campaign.trim() } : {}),
                  },
                }
              : {}),
          };
    setBusy(true);
    try {
      const r = await submitDossier(body, `${sessionKey}-${fnv1a(JSON.stringify(body))}`, calls);
      setFiledName(applicantNameOf(service, body, mode));
      const queued: Upload[] = files.map((f) => ({ file: f.file, status: 'pending' }));
      setUploads(queued);
      setReceipt(r);
      window.scrollTo(0, 0);
      // The documents go up one after the other once the dossier exists.
      for (let i = 0; i < queued.length; i++) {
        try {
          await uploadAttachment(r.code, queued[i]!.file, calls);
          setUploads((us) => us.map((u, j) => (j === i ? { ...u, status: 'done' } : u)));
        } catch (err) {
          setUploads((us) => us.map((u, j) => (j === i ? { ...u, status: 'error', error: err } : u)));
        }
      }
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && fieldErrorsToForm(dataForm, err.problem) > 0) setInvalid(true);
    } finally {
      setBusy(false);
    }
  };

  const startAgain = () => {
    intake.resetFields();
    if (homeUnit) intake.setFieldValue('unitCode', homeUnit);
    dataForm.resetFields();
    setRegistry(undefined);
    setApplied(undefined);
    setFiledName(undefined);
    setFiles([]);
    setUploads([]);
    setReceipt(undefined);
    window.scrollTo(0, 0);
  };

  const steps = <Steps className="filing-steps" size="small" responsive={false} current={receipt ? 1 : 0} items={[{ title: t('filing.step.form') }, { title: t('filing.step.receipt') }]} />;
  if (receipt) {
    return (
      <>
        {steps}
        <ReceiptView receipt={receipt} service={service} uploads={uploads} staff={mode.kind === 'staff'} applicantName={filedName} onAnother={startAgain} />
      </>
    );
  }

  const note = (
    <div role="status" className="filing-placement">
      {placement.error !== undefined && !placement.loading ? (
        <ProblemAlert error={placement.error} onRetry={placement.retry} />
      ) : current ? (
        <PlacementNote placement={current} service={service} today={today} />
      ) : checkKey !== null ? (
        <p className="muted">
          <Spin size="small" /> {t('filing.unitChecking')}
        </p>
      ) : resolved && !UNIT.test(unitCode) ? (
        <p className="muted">{t('filing.unitFirst')}</p>
      ) : null}
    </div>
  );

  return (
    <>
      {steps}
      <Typography.Paragraph className="page-intro">{mode.kind === 'staff' ? t('filing.introStaff') : t('filing.introOnline')}</Typography.Paragraph>
      {mode.kind === 'citizen' && (
        <Card className="detail-card" title={<h2 className="card-heading">{t('filing.intake')}</h2>}>
          <p>{t('filing.asCitizen', { name: mode.account.fullName, level: mode.account.level })}</p>
          {levelTooLow ? (
            <Alert type="warning" showIcon title={t('filing.levelTooLow', { required: service.requiredAssuranceLevel, level: mode.account.level })} />
          ) : (
            <Form<IntakeValues> form={intake} name="intake" layout="vertical" initialValues={{ unitCode: mode.account.unit.code }} disabled={busy} onFinish={submit}>
              <Form.Item name="unitCode" label={t('filing.citizenUnit')} extra={t('filing.citizenUnitHint')} rules={[{ required: true, pattern: UNIT, message: t('deploy.unitInvalid') }]}>
                <Input inputMode="numeric" maxLength={5} className="schema-short" autoComplete="off" />
              </Form.Item>
              {note}
            </Form>
          )}
        </Card>
      )}
      {levelTooLow && (
        <Link className="link-button" href={`/services/${service.code}`}>
          {t('filing.back')}
        </Link>
      )}
      {mode.kind === 'staff' && session.can('citizen.read') && <RegistryLookup service={service} schema={schema} answer={registry} disabled={busy} onFilled={fillFromRegistry} />}
      {!levelTooLow && mode.kind === 'staff' && (
        <Card className="detail-card" title={<h2 className="card-heading">{t('filing.intake')}</h2>}>
          <Form<IntakeValues> form={intake} name="intake" layout="vertical" initialValues={{ channel: 'counter', consentMethod: 'signed_paper' }} disabled={busy} onFinish={submit} onValuesChange={() => setInvalid(false)}>
            <Form.Item name="channel" label={t('filing.channel')}>
              <Radio.Group className="schema-radios" aria-label={t('filing.channel')} options={STAFF_CHANNELS.map((c) => ({ value: c, label: t(`dossiers.channel.${c}`) }))} />
            </Form.Item>
            <Form.Item
              name="unitCode"
              label={t('filing.unit')}
              extra={mode.staff.unitCode ? t('filing.unitHint') : undefined}
              rules={[{ pattern: UNIT, message: t('deploy.unitInvalid') }, { required: mode.staff.unitCode === null, message: t('filing.unitRequired') }]}
            >
              <Input inputMode="numeric" maxLength={5} placeholder={mode.staff.unitCode ?? ''} className="schema-short" autoComplete="off" />
            </Form.Item>
            {note}
            {needsApplicant && (
              <fieldset className="schema-group">
                <legend>{t('filing.applicant')}</legend>
                <Form.Item name="applicantName" label={t('filing.applicant.fullName')} rules={[{ required: true, min: 2, max: 100, message: t('filing.required', { label: t('filing.applicant.fullName') }) }]}>
                  <Input maxLength={100} autoComplete="off" />
                </Form.Item>
                <Form.Item name="applicantPin" label={t('filing.applicant.pin')} rules={[{ pattern: PIN, message: t('filing.pattern', { form: '12' }) }]}>
                  <Input inputMode="numeric" maxLength={12} className="schema-short" autoComplete="off" />
                </Form.Item>
                <Form.Item name="applicantPhone" label={t('filing.applicant.phone')} rules={[{ pattern: PHONE, message: t('filing.pattern', { form: '0xxxxxxxxx' }) }]}>
                  <Input type="tel" inputMode="tel" maxLength={12} className="schema-short" autoComplete="off" />
                </Form.Item>
              </fieldset>
            )}
            {channel !== 'counter' && (
              <fieldset className="schema-group">
                <legend>{t('filing.assistance')}</legend>
                <p className="muted">{t('filing.helper', { name: mode.staff.displayName, username: mode.staff.username })}</p>
                <Form.Item name="site" label={t('filing.site')} rules={[{ required: true, whitespace: true, message: t('filing.required', { label: t('filing.site') }) }]}>
                  <Input maxLength={200} placeholder={t('filing.sitePlaceholder')} autoComplete="off" />
                </Form.Item>
                <Form.Item name="equipmentId" label={t('filing.equipment')} rules={[{ required: true, whitespace: true, message: t('filing.required', { label: t('filing.equipment') }) }]}>
                  <Input maxLength={100} placeholder={t('filing.equipmentPlaceholder')} className="schema-short" autoComplete="off" />
                </Form.Item>
                {channel === 'mobile' && (
                  <Form.Item name="campaign" label={t('filing.campaign')} rules={[{ required: true, whitespace: true, message: t('filing.required', { label: t('filing.campaign') }) }]}>
                    <Input maxLength={200} autoComplete="off" />
                  </Form.Item>
                )}
                <Form.Item name="consentGiven" valuePropName="checked" rules={[{ validator: async (_, v: unknown) => { if (v !== true) throw new Error(t('filing.mustConfirm')); } }]}>
                  <Checkbox>{t('filing.consent')}</Checkbox>
                </Form.Item>
                <Form.Item name="consentMethod" label={t('filing.consentMethod')}>
                  <Select options={CONSENT_METHODS.map((m) => ({ value: m, label: t(`filing.consent.${m}`) }))} />
                </Form.Item>
              </fieldset>
            )}
          </Form>
        </Card>
      )}
      {!levelTooLow && canFill && (
        <>
          <Card className="detail-card" title={<h2 className="card-heading">{t('filing.form')}</h2>}>
            {unsupported.length > 0 && <Alert type="info" showIcon title={t('filing.unsupported', { keywords: unsupported.join(', ') })} />}
            <Form form={dataForm} name="filing" layout="vertical" disabled={busy} onFinish={submit} onValuesChange={() => setInvalid(false)} scrollToFirstError className="schema-form">
              <SchemaFields schema={schema} form={dataForm} locked={locked} prefilled={prefilled} fromRegistry={fromRegistry} idPrefix="filing" />
            </Form>
          </Card>
          <Card className="detail-card" title={<h2 className="card-heading">{t('filing.files')}</h2>}>
            <p className="muted">{t('filing.filesHint')}</p>
            <div className="file-slots">
              {slots.map((slot) => {
                const id = `file-${slot.key}`;
                const chosen = files.find((f) => f.slot === slot.key)?.file;
                return (
                  <div key={slot.key} className="file-slot">
                    <label htmlFor={id} className="file-slot-label">
                      {slot.name}
                      {!slot.required && slot.key !== 'other' && <span className="muted"> ({t('services.optionalDoc')})</span>}
                    </label>
                    <FilePicker id={id} file={chosen} error={fileErrors[slot.key]} accept={ACCEPT_FILES} disabled={busy} onChange={(f) => choose(slot.key, f)} />
                    {fileErrors[slot.key] && (
                      <div id={`${id}-help`} className="field-error" role="alert">
                        {fileErrors[slot.key]}
                      </div>
                    )}
                  </div>
                );
              })}
            </div>
          </Card>
          <div role="status">{invalid && <Alert type="error" showIcon title={t('filing.invalid')} />}</div>
          {error !== undefined && <ProblemAlert error={error} />}
          <div className="filing-submit">
            <Button type="primary" size="large" loading={busy} onClick={submit}>
              {t('filing.submit')}
            </Button>
          </div>
        </>
      )}
    </>
  );
}

/** The schema of the field at `pointer` (`applicant/fullName`), if the form has one there. */
function schemaAt(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let cur: JsonSchema | undefined = schema;
  for (const seg of pointer.split('/')) cur = cur?.properties?.[seg];
  return cur;
}

/** The applicant's name a submission carries: given with it (staff), else in the form where the service takes it from the registry. */
function applicantNameOf(service: Service, body: SubmissionBody, mode: FilingMode): string | undefined {
  if (body.applicant?.fullName) return body.applicant.fullName;
  const pointer = Object.entries(service.prefill).find(([, f]) => f === 'fullName')?.[0];
  let v: unknown = body.data;
  for (const seg of pointer?.split('/') ?? []) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  if (typeof v === 'string' && v.trim()) return v.trim();
  return mode.kind === 'citizen' ? mode.account.fullName : undefined;
}

/**
 * "Lấy thông tin từ CSDL quốc gia về dân cư": at the counter, the officer types the citizen's
 * 12-digit number and, under the stated purpose (asked for with the population pages' dialog when
 * none is stated yet), fetches what the procedure pre-fills from the registry. The page then says
 * which fields were filled and which the registry holds nothing for; the fields stay editable.
 */
function RegistryLookup({ service, schema, answer, disabled, onFilled }: { service: Service; schema: JsonSchema; answer: CounterPrefill | undefined; disabled: boolean; onFilled: (a: CounterPrefill) => void }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const { purpose, setPurpose } = session;
  const [form] = Form.useForm<{ pin?: string }>();
  const [asking, setAsking] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const label = (pointer: string) => {
    const field = schemaAt(schema, pointer);
    return field ? labelOf(field, lang, pointer) : pointer;
  };

  const lookUp = async (p: Purpose) => {
    const pin = (form.getFieldValue('pin') as string | undefined)?.trim() ?? '';
    setLoading(true);
    setError(undefined);
    try {
      onFilled(await getCounterPrefill(service.code, pin, p, { lang }));
    } catch (err) {
      setError(err);
      // The stated purpose was refused: ask again.
      const code = problemCode(err);
      if (code === 'PURPOSE_REQUIRED' || code === 'PURPOSE_UNKNOWN') setPurpose(null);
    } finally {
      setLoading(false);
    }
  };
  const start = () => {
    if (purpose) void lookUp(purpose);
    else setAsking(true);
  };

  return (
    <Card className="detail-card registry-lookup" title={<h2 className="card-heading">{t('prefill.title')}</h2>}>
      <p className="muted">{t('prefill.intro')}</p>
      <PurposeBar purpose={purpose} onChange={() => setAsking(true)} />
      <Form form={form} name="registry" layout="vertical" disabled={disabled || loading} onFinish={start} requiredMark={false}>
        <div className="registry-lookup-row">
          <Form.Item name="pin" label={t('prefill.pin')} rules={[{ required: true, message: t('prefill.pinRequired') }, { pattern: PIN, message: t('prefill.pinInvalid') }]}>
            <Input inputMode="numeric" maxLength={12} autoComplete="off" className="schema-short" placeholder="031190001234" />
          </Form.Item>
          <Button htmlType="submit" type="primary" loading={loading} className="registry-lookup-button">
            {t('prefill.fetch')}
          </Button>
        </div>
      </Form>
      <div role="status">
        {answer && (
          <Alert
            type="success"
            showIcon
            title={t('prefill.done', { name: answer.applicant.fullName, n: answer.fields.length })}
            description={
              <>
                {answer.fields.length > 0 && <p className="registry-filled">{t('prefill.filled', { list: answer.fields.map((f) => label(f.pointer)).join('; ') })}</p>}
                {answer.empty.length > 0 && <p>{t('prefill.empty', { list: answer.empty.map(label).join('; ') })}</p>}
                <p>{t('prefill.check')}</p>
              </>
            }
          />
        )}
      </div>
      {error !== undefined && <ProblemAlert error={error} />}
      <PurposeDialog
        open={asking}
        initial={purpose ?? { code: 'DOSSIER_PROCESSING' }}
        onDone={(p) => {
          setPurpose(p);
          setAsking(false);
          if (form.getFieldValue('pin')) void form.validateFields().then(() => lookUp(p), () => undefined);
        }}
        onCancel={() => setAsking(false)}
      />
    </Card>
  );
}

/** The unit a dossier would go to, by name, and whether it takes the procedure; what to do when not. */
function PlacementNote({ placement, service, today }: { placement: Placement; service: Service; today: string }) {
  const { t } = useI18n();
  const successors = (links: UnitLink[]) => links.map((l) => (l.fullName ? `${l.fullName} (${l.code})` : l.code)).join('; ');
  if (placement.kind === 'ended')
    return (
      <Alert
        type="warning"
        showIcon
        title={t('filing.unitEnded', { unit: placement.unit.fullName, code: placement.code, date: formatDay(placement.unit.validUntil ?? today) })}
        description={placement.unit.successors.length > 0 ? t('filing.unitSuccessors', { list: successors(placement.unit.successors) }) : t('filing.unitChoose')}
      />
    );
  if (placement.kind === 'missing')
    return (
      <Alert
        type="error"
        showIcon
        title={t('unit.unknown', { code: placement.code, date: formatDay(today) })}
        description={placement.successors.length > 0 ? t('filing.unitSuccessors', { list: successors(placement.successors) }) : t('filing.unitChoose')}
      />
    );
  const place = (
    <>
      <strong className="unit-place">{placeName(placement.unit)}</strong> <span className="muted number">({placement.code})</span>
    </>
  );
  if (!placement.deployed)
    return <Alert type="warning" showIcon className="filing-not-deployed" title={t('filing.notDeployed', { unit: `${placeName(placement.unit)} (${placement.code})`, date: formatDay(today) })} description={t('filing.notDeployedHint')} />;
  return (
    <p className="filing-unit-ok">
      <span aria-hidden="true">✓ </span>
      {place} {t('filing.unitDeployed')}
    </p>
  );
}

/**
 * The receipt of a filed dossier: its code, state and the uploads; an officer who may process
 * dossiers receives it here, which gives the due date and the appointment slip (form 01).
 */
function ReceiptView({ receipt, service, uploads, staff, applicantName, onAnother }: { receipt: Receipt; service: Service; uploads: Upload[]; staff: boolean; applicantName: string | undefined; onAnother: () => void }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const [dossier, setDossier] = useState<Dossier>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const canReceive = staff && session.can('dossier.process') && !dossier;

  const receive = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setDossier(await takeAction(receipt.code, { action: 'receive' }, { lang }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const state = dossier?.state ?? receipt.state;
  return (
    <Card className="detail-card receipt-card">
      <h2 className="receipt-title">{t('receipt.title', { code: receipt.code })}</h2>
      <Descriptions
        column={1}
        size="small"
        className="receipt-facts"
        items={[
          { key: 'code', label: t('receipt.code'), children: <strong className="dossier-code">{receipt.code}</strong> },
          { key: 'service', label: t('receipt.service'), children: lang === 'vi' ? receipt.service.nameVi : service.nameEn },
          ...(applicantName ? [{ key: 'applicant', label: t('receipt.applicant'), children: <span className="receipt-applicant">{applicantName}</span> }] : []),
          { key: 'state', label: t('receipt.state'), children: <StateTag state={state} t={t} /> },
          { key: 'at', label: t('receipt.submittedAt'), children: formatMoment(receipt.submittedAt, lang) },
          {
            key: 'unit',
            label: t('receipt.unit'),
            children: (
              <span>
                {receipt.unitName ?? receipt.unitCode} {receipt.unitName && <span className="muted number">({receipt.unitCode})</span>}
              </span>
            ),
          },
          {
            key: 'agency',
            label: t('receipt.agency'),
            children: (
              <span>
                {receipt.agencyName ?? receipt.agencyCode} {receipt.agencyName && <span className="muted number">({receipt.agencyCode})</span>}
              </span>
            ),
          },
          {
            key: 'due',
            label: t('receipt.dueDate'),
            children: dossier?.dueDate ? <strong>{formatDay(dossier.dueDate)}</strong> : t('receipt.dueLater', { days: daysLabel(t, service.processingDays).replace(/^\p{Lu}/u, (c) => c.toLocaleLowerCase(lang)) }),
          },
          ...(receipt.lockedFields.length > 0 ? [{ key: 'locked', label: t('filing.form'), children: t('receipt.locked', { n: receipt.lockedFields.length }) }] : []),
        ]}
      />
      {uploads.length > 0 && (
        <>
          <h3 className="section-heading">{t('receipt.files')}</h3>
          <ul className="upload-list">
            {uploads.map((u, i) => (
              <li key={i} className={`upload-${u.status}`}>
                <span className="file-name">{u.file.name}</span>{' '}
                <span className="upload-status">
                  {u.status === 'pending' ? t('receipt.uploading') : u.status === 'done' ? t('receipt.uploaded') : t('receipt.uploadFailed')}
                </span>
                {u.status === 'error' && <ProblemAlert error={u.error} />}
              </li>
            ))}
          </ul>
        </>
      )}
      {error !== undefined && <ProblemAlert error={error} />}
      {dossier && (
        <div role="status">
          <Alert type="success" showIcon title={t('receipt.received')} />
        </div>
      )}
      <div className="receipt-actions">
        {canReceive && state === 'submitted' && (
          <Button type="primary" loading={busy} onClick={receive}>
            {t('receipt.receive')}
          </Button>
        )}
        {dossier?.forms.includes('01') && <DownloadButton primary path={formPath(receipt.code, '01')} fallbackName={`${receipt.code}-mau-01.pdf`} label={t('receipt.form01')} />}
        {staff && (
          <Link className="link-button" href={`/dossiers/${receipt.code}`}>
            {t('receipt.open')}
          </Link>
        )}
        <Link className="link-button" href={`/tra-cuu/${receipt.code}`}>
          {t('receipt.track')}
        </Link>
        <Button onClick={onAnother}>{t('receipt.another')}</Button>
      </div>
    </Card>
  );
}
