/**
 * The citizen's next step on their dossier page (`/dossiers/{code}` in their e-ID session).
 *
 * A dossier returned for completion (form 02 of Circular 03/2025/TT-VPCP; the deadline clock
 * stands still) shows what the receiving office asked for — the reason of its latest
 * `return_for_completion` — with the date, the working days left, the request as PDF (form 02),
 * and the resubmission: documents, the form to correct (pre-filled with the data as filed; the
 * fields from the population registry stay locked) and a note. The documents go up first, one
 * request each (`POST /api/v1/dossiers/{code}/attachments`: the `resubmit` action itself carries
 * no files), then `resubmit` (`POST /api/v1/dossiers/{code}/actions`) with the corrected data only
 * when the citizen changed the form, and the version seen. Any other state: a line saying the
 * dossier is with the authority, or that it is closed.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { ApiError, type CallOptions } from '../../api.js';
import { DownloadButton } from '../../components/DownloadButton.js';
import { FilePicker } from '../../components/FilePicker.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { formatPartialDate } from '../../dates.js';
import { useI18n, type Lang } from '../../i18n.js';
import { useRemote } from '../../useRemote.js';
import { getService } from '../services/api.js';
import { formPath, takeAction, uploadAttachment, type ActionBody, type Dossier } from './api.js';
import { ACCEPT_FILES, acceptableFile, enumLabel, formatMoment, stateLabel } from './common.js';
import type { Upload } from './FilingPage.js';
import { fieldErrorsToForm, formData, SchemaFields, type JsonSchema } from './SchemaForm.js';
import './my-dossiers.css';

const MAX_FILES = 5;

/** The next step of the citizen on their dossier: the resubmission when it awaits one, else a line. */
export function CitizenNextStep({ dossier: d, onChanged }: { dossier: Dossier; onChanged: (d: Dossier, message: string) => void }) {
  const { t } = useI18n();
  if (d.allowedActions.includes('resubmit')) return <Resubmission key={d.version} dossier={d} onChanged={onChanged} />;
  // `allowedActions` holds only the citizen's own actions: whether the dossier is closed is `closedAt`.
  return <p className="muted no-actions">{d.closedAt !== null ? t('dossier.noActions') : t('dossier.citizenWaiting')}</p>;
}

/**
 * The value at a pointer (`applicant/sex`) of the form data as the locked field shows it: a coded
 * answer by its label ("Nữ"), a date as dd/mm/yyyy; undefined when there is none.
 */
function shownAt(schema: JsonSchema, data: Record<string, unknown>, pointer: string, lang: Lang): string | undefined {
  const segs = pointer.split('/');
  const v = segs.reduce<unknown>((cur, s) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined), data);
  if (v === undefined || v === null) return undefined;
  const prop = segs.reduce<JsonSchema | undefined>((s, k) => s?.properties?.[k], schema);
  if (prop?.enum && (typeof v === 'string' || typeof v === 'number')) return enumLabel(lang, v);
  return typeof v === 'string' && /^\d{4}(-\d{2}){0,2}$/.test(v) ? formatPartialDate(v) : String(v);
}

function Resubmission({ dossier: d, onChanged }: { dossier: Dossier; onChanged: (d: Dossier, message: string) => void }) {
  const { t, lang } = useI18n();
  const calls: CallOptions = { lang, auth: 'citizen' };
  const request = [...d.events].reverse().find((e) => e.action === 'return_for_completion');
  const service = useRemote(`${d.service.code}@${d.service.version}|${lang}`, (signal) => getService(d.service.code, { lang, signal }, d.service.version));
  const schema = service.data?.formSchema as JsonSchema | undefined;
  const locked = useMemo(() => new Set(d.lockedFields), [d.lockedFields]);
  const prefilled = useMemo(
    () => (schema ? Object.fromEntries(d.lockedFields.flatMap((p) => { const v = shownAt(schema, d.formData, p, lang); return v === undefined ? [] : [[p, v]]; })) : {}),
    [schema, d.lockedFields, d.formData, lang],
  );
  const [dataForm] = Form.useForm();
  const [editing, setEditing] = useState(false);
  const [files, setFiles] = useState<(File | undefined)[]>([undefined]);
  const [note, setNote] = useState('');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [problem, setProblem] = useState<string>();

  const fileErrors = files.map((f) => (f && !acceptableFile(f) ? t('filing.fileType', { name: f.name }) : undefined));
  const choose = (i: number, f: File | undefined) => {
    setFiles((fs) => fs.map((x, j) => (j === i ? f : x)));
    setProblem(undefined);
  };

  const submit = async () => {
    setError(undefined);
    setProblem(undefined);
    const chosen = files.filter((f): f is File => f !== undefined);
    const changed = editing && dataForm.isFieldsTouched();
    if (fileErrors.some(Boolean)) return;
    if (changed) {
      try {
        await dataForm.validateFields();
      } catch (err) {
        setProblem(t('resubmit.invalid'));
        const name = (err as { errorFields?: { name: (string | number)[] }[] }).errorFields?.[0]?.name;
        if (name) dataForm.scrollToField(name, { block: 'center', focus: true });
        return;
      }
    }
    if (chosen.length === 0 && !changed && !note.trim()) {
      setProblem(t('resubmit.nothing'));
      return;
    }
    setBusy(true);
    try {
      // The documents first: the officer finds them with the resubmission. A file sent again
      // (after a failure) is the same content: the server keeps one copy.
      const queued: Upload[] = chosen.map((file) => ({ file, status: 'pending' }));
      setUploads(queued);
      for (let i = 0; i < queued.length; i++) {
        try {
          await uploadAttachment(d.code, queued[i]!.file, calls);
          setUploads((us) => us.map((u, j) => (j === i ? { ...u, status: 'done' } : u)));
        } catch (err) {
          setUploads((us) => us.map((u, j) => (j === i ? { ...u, status: 'error', error: err } : u)));
          setProblem(t('resubmit.uploadStopped'));
          return;
        }
      }
      const body: ActionBody = {
        action: 'resubmit',
        version: d.version,
        ...(note.trim() ? { reason: note.trim() } : {}),
        ...(changed && schema ? { data: formData(schema, dataForm.getFieldsValue(true), locked) } : {}),
      };
      const next = await takeAction(d.code, body, calls);
      onChanged(next, t('resubmit.done', { state: stateLabel(t, next.state) }));
      // The card goes: the notice and the new state are at the top.
      window.scrollTo(0, 0);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && fieldErrorsToForm(dataForm, err.problem) > 0) setEditing(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="detail-card supplement-card" title={<h2 className="card-heading">{t('resubmit.title')}</h2>}>
      {request && (
        <div className="supplement-request">
          <p>{t('resubmit.asked', { at: formatMoment(request.at, lang) })}</p>
          {request.reason && <p className="supplement-reason">{request.reason}</p>}
        </div>
      )}
      <p className="supplement-clock">{!d.clockPaused ? t('resubmit.notReceived') : d.pausedRemaining ? t('resubmit.paused', { n: d.pausedRemaining }) : t('resubmit.pausedSameDay')}</p>
      {d.forms.includes('02') && (
        <div className="supplement-form02">
          <DownloadButton path={formPath(d.code, '02')} fallbackName={`${d.code}-mau-02.pdf`} label={t('resubmit.form02')} auth="citizen" />
        </div>
      )}

      <h3 className="resubmit-heading">{t('resubmit.formTitle')}</h3>
      <p className="muted">{t('resubmit.intro')}</p>
      <fieldset className="schema-group">
        <legend>{t('resubmit.files')}</legend>
        <div className="resubmit-files">
          {files.map((f, i) => {
            const id = `resubmit-file-${i}`;
            return (
              <div key={i} className="file-slot">
                <label htmlFor={id} className="file-slot-label">
                  {t('resubmit.file', { n: i + 1 })}
                </label>
                <FilePicker id={id} file={f} error={fileErrors[i]} accept={ACCEPT_FILES} disabled={busy} onChange={(file) => choose(i, file)} />
                {fileErrors[i] && (
                  <div id={`${id}-help`} className="field-error" role="alert">
                    {fileErrors[i]}
                  </div>
                )}
              </div>
            );
          })}
        </div>
        {files.length < MAX_FILES && files.every(Boolean) && (
          <Button className="schema-add" onClick={() => setFiles((fs) => [...fs, undefined])} disabled={busy}>
            + {t('resubmit.addFile')}
          </Button>
        )}
      </fieldset>

      <details className="resubmit-edit" open={editing} onToggle={(e) => setEditing((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t('resubmit.editForm')}</summary>
        <p className="muted">{t('resubmit.editFormHint')}</p>
        {service.error !== undefined && <ProblemAlert error={service.error} onRetry={service.retry} />}
        {schema && (
          <Form form={dataForm} name="resubmit" layout="vertical" initialValues={d.formData} disabled={busy} onValuesChange={() => setProblem(undefined)} className="schema-form">
            <SchemaFields schema={schema} form={dataForm} locked={locked} prefilled={prefilled} idPrefix="resubmit" />
          </Form>
        )}
      </details>

      <div className="resubmit-note">
        <label htmlFor="resubmit-note" className="file-slot-label">
          {t('resubmit.note')}
        </label>
        <Input.TextArea id="resubmit-note" value={note} onChange={(e) => setNote(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} disabled={busy} />
      </div>

      {uploads.length > 0 && (
        <ul className="upload-list">
          {uploads.map((u, i) => (
            <li key={i} className={`upload-${u.status}`}>
              <span className="file-name">{u.file.name}</span>{' '}
              <span className="upload-status">{u.status === 'pending' ? t('receipt.uploading') : u.status === 'done' ? t('receipt.uploaded') : t('receipt.uploadFailed')}</span>
              {u.status === 'error' && <ProblemAlert error={u.error} />}
            </li>
          ))}
        </ul>
      )}
      <div role="status">{problem && <Alert type="error" showIcon title={problem} />}</div>
      {error !== undefined && <ProblemAlert error={error} />}
      <div className="filing-submit resubmit-submit">
        <Button type="primary" size="large" loading={busy} onClick={submit}>
          {t('resubmit.submit')}
        </Button>
      </div>
    </Card>
  );
}
