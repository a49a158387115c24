/**
 * Imports of citizen lists (`/imports`, then `/imports?id=` while and after it runs): the template
 * to fill in, the upload of a CSV or XLSX file with the date its unit codes refer to, a progress bar
 * polled every second, the counts, and the report of bad rows.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Progress, Space, Spin, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { getImport, NetworkError, uploadImport, type ImportStatusDto } from '../api.js';
import { DownloadButton } from '../components/DownloadButton.js';
import { FilePicker } from '../components/FilePicker.js';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { RequireStaff } from '../components/RequireStaff.js';
import { formatInstant, formatPartialDate, todayInVietnam } from '../dates.js';
import { useI18n } from '../i18n.js';
import { hrefOf, navigate, useLocation } from '../router.js';

const POLL_MS = 1000;
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function ImportPage() {
  return (
    <RequireStaff permission="citizen.import">
      <Importer />
    </RequireStaff>
  );
}

function Importer() {
  const { t } = useI18n();
  const { search } = useLocation();
  const idText = search.get('id') ?? '';
  const id = /^[1-9]\d{0,9}$/.test(idText) ? Number(idText) : undefined;
  // The upload's answer, so that the progress shows at once without waiting for the first poll.
  const [started, setStarted] = useState<ImportStatusDto>();

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('imports.title')}
      </Typography.Title>
      <Typography.Paragraph className="page-intro">{t('imports.intro')}</Typography.Paragraph>
      <Templates />
      {id === undefined ? (
        <Upload
          onStarted={(s) => {
            setStarted(s);
            navigate(hrefOf('/imports', { id: String(s.id) }));
          }}
        />
      ) : (
        <ImportProgress key={id} id={id} initial={started?.id === id ? started : undefined} />
      )}
    </>
  );
}

function Templates() {
  const { t } = useI18n();
  return (
    <Card className="import-card" title={<h2 className="card-heading">{t('imports.template')}</h2>}>
      <p className="muted import-hint">{t('imports.templateHint')}</p>
      <Space wrap>
        <DownloadButton path="/api/v1/citizen-imports/template.xlsx" fallbackName="mau-danh-sach-cong-dan.xlsx" label={t('imports.templateXlsx')} />
        <DownloadButton path="/api/v1/citizen-imports/template.csv" fallbackName="mau-danh-sach-cong-dan.csv" label={t('imports.templateCsv')} />
      </Space>
    </Card>
  );
}

function Upload({ onStarted }: { onStarted: (s: ImportStatusDto) => void }) {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const input = useRef<HTMLInputElement>(null);

  const choose = (f: File | undefined) => {
    setFile(f);
    setFileError(f && !/\.(csv|xlsx)$/i.test(f.name) ? t('imports.fileType') : undefined);
  };

  // The date is in the form's store, not in React state: Enter in its field commits it and submits
  // the form in the same keystroke, and the submit must see the committed date.
  const submit = async ({ referenceDate }: { referenceDate: Dayjs }) => {
    if (!file) {
      setFileError(t('imports.fileRequired'));
      input.current?.focus();
      return;
    }
    if (fileError) return;
    setBusy(true);
    setError(undefined);
    try {
      onStarted(await uploadImport(file, referenceDate.format('YYYY-MM-DD'), { lang }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Card className="import-card" title={<h2 className="card-heading">{t('imports.upload')}</h2>}>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<{ referenceDate: Dayjs }> layout="vertical" onFinish={submit} requiredMark={false} name="citizen-import" disabled={busy} initialValues={{ referenceDate: dayjs(todayInVietnam()) }}>
        <Form.Item label={t('imports.file')} htmlFor="import-file" validateStatus={fileError ? 'error' : undefined} help={fileError && <span id="import-file-help">{fileError}</span>}>
          <FilePicker id="import-file" file={file} error={fileError} accept={ACCEPT} disabled={busy} inputRef={input} onChange={choose} />
        </Form.Item>
        <Form.Item name="referenceDate" label={t('imports.referenceDate')} extra={t('imports.referenceDateHint')}>
          <DatePicker format="DD/MM/YYYY" allowClear={false} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('imports.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function ImportProgress({ id, initial }: { id: number; initial?: ImportStatusDto }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<ImportStatusDto | undefined>(initial);
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);

  // Poll every second until the import is done or failed; a lost connection is tried again.
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await getImport(id, { lang, signal: controller.signal });
        setStatus(s);
        setError(undefined);
        if (s.status === 'running') timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (controller.signal.aborted) return;
        setError(err);
        if (err instanceof NetworkError) timer = setTimeout(poll, 3 * POLL_MS);
      }
    };
    if (initial && initial.status === 'running') timer = setTimeout(poll, POLL_MS);
    else void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // `initial` only matters for the first poll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, lang, attempt]);

  if (!status) {
    return error !== undefined ? <ProblemAlert error={error} onRetry={() => setAttempt((n) => n + 1)} /> : <Card loading className="import-card" />;
  }
  const running = status.status === 'running';
  const known = status.rowsTotal > 0;
  const percent = status.status === 'done' ? 100 : known ? Math.min(99, Math.floor((status.rowsRead / status.rowsTotal) * 100)) : 0;
  const rowsText = known && running ? t('imports.rows', { read: status.rowsRead, total: status.rowsTotal }) : t('imports.rowsUnknown', { read: status.rowsRead });
  const title = t(`imports.status.${status.status}`, { file: status.fileName });
  const counts = (['created', 'updated', 'unchanged', 'duplicates', 'badRows'] as const).map((k) => (
    <div key={k} className={k === 'badRows' && status.badRows > 0 ? 'import-count import-count-bad' : 'import-count'}>
      <dt>{t(`imports.count.${k}`)}</dt>
      <dd>{status[k].toLocaleString(lang)}</dd>
    </div>
  ));

  return (
    <Card className="import-card import-progress" title={<h2 className="card-heading">{t('imports.progress')}</h2>}>
      {error !== undefined && <ProblemAlert error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      <p className="import-title" aria-live="polite">
        <strong>{title}</strong>
        <span className="muted">
          {' · '}
          {t('imports.referenceDateOf', { date: formatPartialDate(status.referenceDate) })}
          {' · '}
          {formatInstant(status.startedAt, lang)}
        </span>
      </p>
      {running && !known ? (
        <div className="page-loading">
          <Spin size="small" />
          <span>{rowsText}</span>
        </div>
      ) : (
        <>
          <Progress
            percent={percent}
            status={status.status === 'failed' ? 'exception' : running ? 'active' : 'success'}
            aria-label={t('imports.progress')}
            aria-valuetext={rowsText}
          />
          <p className="muted">{rowsText}</p>
        </>
      )}
      {status.status === 'failed' && <Alert type="error" showIcon title={t(status.failure === 'IMPORT_INTERRUPTED' ? 'imports.interruptedHint' : 'imports.failedHint')} />}
      {!running && (
        <>
          <dl className="import-counts">{counts}</dl>
          {status.badRows > 0 && (
            <section className="error-report" aria-labelledby="error-report-title">
              <h3 id="error-report-title" className="section-heading">
                {t('imports.errorReport')}
              </h3>
              <Space wrap>
                <DownloadButton path={`/api/v1/citizen-imports/${status.id}/errors.xlsx`} fallbackName={`loi-nhap-${status.id}.xlsx`} label={t('imports.errorsXlsx')} />
                <DownloadButton path={`/api/v1/citizen-imports/${status.id}/errors.csv`} fallbackName={`loi-nhap-${status.id}.csv`} label={t('imports.errorsCsv')} />
              </Space>
            </section>
          )}
          <Button type="primary" className="import-again" onClick={() => navigate('/imports')}>
            {t('imports.another')}
          </Button>
        </>
      )}
    </Card>
  );
}
