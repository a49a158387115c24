/**
 * Imports of the spreadsheets officials already keep at the desk (`/desk/imports?kind=`): duty
 * rosters, equipment lists and help logs. The template to fill in (XLSX or CSV), the upload, and the
 * report: rows read, rows imported, and each bad row with its column, error and value. Good rows
 * are kept; importing a file again adds nothing twice.
 */
import { useRef, useState } from 'react';
import { Button, Card, Form, Segmented, Space, Table, type TableColumnsType } from 'antd';
import { DownloadButton } from '../../components/DownloadButton.js';
import { FilePicker } from '../../components/FilePicker.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, navigate, useLocation } from '../../router.js';
import { importDeskFile, templatePath, type ImportKind, type ImportReport } from './api.js';
import { DeskPage } from './common.js';

export function DeskImportsPage() {
  return (
    <DeskPage permission="desk.manage" title="desk.imports.title" intro="desk.imports.intro">
      <DeskImports />
    </DeskPage>
  );
}

const KINDS: ImportKind[] = ['roster', 'equipment', 'help'];
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function DeskImports() {
  const { t } = useI18n();
  const { search } = useLocation();
  const asked = search.get('kind');
  const kind: ImportKind = KINDS.find((k) => k === asked) ?? 'roster';
  const [report, setReport] = useState<ImportReport>();

  return (
    <>
      <Segmented<ImportKind>
        className="desk-kind-switch"
        aria-label={t('desk.imports.kind')}
        value={kind}
        onChange={(k) => {
          setReport(undefined);
          navigate(hrefOf('/desk/imports', { kind: k === 'roster' ? undefined : k }));
        }}
        options={KINDS.map((k) => ({ value: k, label: t(`desk.imports.kind.${k}`) }))}
      />
      <Card className="import-card" title={<h2 className="card-heading">{t(`desk.imports.template.${kind}`)}</h2>}>
        <p className="muted import-hint">{t(`desk.imports.hint.${kind}`)}</p>
        <Space wrap>
          <DownloadButton path={templatePath(kind, 'xlsx')} fallbackName={`mau-${kind}.xlsx`} label={t('imports.templateXlsx')} />
          <DownloadButton path={templatePath(kind, 'csv')} fallbackName={`mau-${kind}.csv`} label={t('imports.templateCsv')} />
        </Space>
      </Card>
      {report?.kind === kind ? <Report report={report} onAnother={() => setReport(undefined)} /> : <Upload key={kind} kind={kind} onDone={setReport} />}
    </>
  );
}

function Upload({ kind, onDone }: { kind: ImportKind; onDone: (r: ImportReport) => void }) {
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
  const submit = async () => {
    if (!file) {
      setFileError(t('imports.fileRequired'));
      input.current?.focus();
      return;
    }
    if (fileError) return;
    setBusy(true);
    setError(undefined);
    try {
      onDone(await importDeskFile(kind, file, { lang }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="import-card" title={<h2 className="card-heading">{t('imports.upload')}</h2>}>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form layout="vertical" onFinish={submit} requiredMark={false} name={`desk-import-${kind}`} disabled={busy}>
        <Form.Item label={t('desk.imports.file')} htmlFor="desk-import-file" validateStatus={fileError ? 'error' : undefined} help={fileError && <span id="desk-import-file-help">{fileError}</span>}>
          <FilePicker id="desk-import-file" file={file} error={fileError} accept={ACCEPT} disabled={busy} inputRef={input} onChange={choose} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t(`desk.imports.submit.${kind}`)}
        </Button>
      </Form>
    </Card>
  );
}

type RowError = ImportReport['errors'][number] & { key?: number };

function Report({ report, onAnother }: { report: ImportReport; onAnother: () => void }) {
  const { t, lang } = useI18n();
  const counts = [
    { key: 'rowsRead', label: t('desk.imports.rowsRead'), n: report.rowsRead, bad: false },
    { key: 'imported', label: t('desk.imports.imported'), n: report.imported, bad: false },
    { key: 'badRows', label: t('imports.count.badRows'), n: report.badRows, bad: report.badRows > 0 },
  ];
  const columns: TableColumnsType<RowError> = [
    { key: 'row', title: t('desk.imports.col.row'), width: 72, render: (_, e) => <span className="number">{e.row}</span> },
    { key: 'column', title: t('desk.imports.col.column'), render: (_, e) => e.column },
    {
      key: 'message',
      title: t('desk.imports.col.message'),
      render: (_, e) => (
        <>
          {e.message}
          <div className="muted number desk-code">{e.code}</div>
        </>
      ),
    },
    { key: 'value', title: t('desk.imports.col.value'), responsive: ['md'], render: (_, e) => (e.value === null ? '' : <code className="desk-value">{e.value}</code>) },
  ];
  return (
    <Card className="import-card import-progress desk-import-report" title={<h2 className="card-heading">{t('desk.imports.report')}</h2>}>
      <p className="import-title" role="status">
        <strong>{t('imports.status.done', { file: report.file })}</strong>
      </p>
      <dl className="import-counts">
        {counts.map((c) => (
          <div key={c.key} className={c.bad ? 'import-count import-count-bad' : 'import-count'}>
            <dt>{c.label}</dt>
            <dd>{c.n.toLocaleString(lang)}</dd>
          </div>
        ))}
      </dl>
      {report.errors.length > 0 && (
        <section className="error-report" aria-labelledby="desk-error-report">
          <h3 id="desk-error-report" className="section-heading">
            {t('imports.errorReport')}
          </h3>
          <Table<RowError>
            className="desk-table desk-errors"
            rowKey="key"
            size="small"
            columns={columns}
            dataSource={report.errors.map((e, i) => ({ ...e, key: i }))}
            pagination={report.errors.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          />
        </section>
      )}
      <Button type="primary" onClick={onAnother}>
        {t('imports.another')}
      </Button>
    </Card>
  );
}
