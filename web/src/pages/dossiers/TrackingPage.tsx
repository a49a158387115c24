/**
 * Public tracking of a dossier (`/tra-cuu/{code}`; the QR code on every form points here, at
 * MOTCUA_PUBLIC_URL + '/tra-cuu/{code}'), open to everyone: the procedure, state, due date and the
 * timeline of state changes; of the applicant only initials, unless the last four digits of the
 * applicant's phone are given (then the full name). `/tra-cuu` asks for a code.
 */
import { useEffect, useState } from 'react';
import { Button, Card, Descriptions, Form, Input, Spin, Tag, Timeline } from 'antd';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { useI18n } from '../../i18n.js';
import { navigate } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { trackDossier, type Tracking } from './api.js';
import { formatDay, formatMoment, PageHead, StateTag, stateLabel } from './common.js';

/** The shape of a dossier code (src/dossiers/codes.ts DOSSIER_CODE_RE; the server checks it again). */
const CODE = /^[A-Z0-9]{1,10}(?:\.[A-Z0-9]{1,10}){0,5}-[0-9]{6}-[0-9]{4,7}$/;

export function TrackingPage({ code }: { code?: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageHead title={t('tracking.title')} intro={t('tracking.intro')} />
      <CodeForm code={code} />
      {code && <TrackedDossier key={code} code={code} />}
    </>
  );
}

function CodeForm({ code }: { code?: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ code: string }>();
  useEffect(() => form.setFieldsValue({ code: code ?? '' }), [form, code]);
  return (
    <Form
      form={form}
      layout="vertical"
      className="filters tracking-form"
      role="search"
      name="tracking"
      requiredMark={false}
      onFinish={(v) => navigate(`/tra-cuu/${encodeURIComponent(v.code.trim().toUpperCase())}`)}
    >
      <Form.Item
        name="code"
        label={t('tracking.code')}
        className="field-grow"
        rules={[{ required: true, validator: async (_, v?: string) => { if (!v || !CODE.test(v.trim().toUpperCase())) throw new Error(t('tracking.codeInvalid')); } }]}
      >
        <Input maxLength={80} placeholder={t('tracking.codePlaceholder')} autoComplete="off" spellCheck={false} />
      </Form.Item>
      <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Button type="primary" htmlType="submit">
          {t('tracking.search')}
        </Button>
      </Form.Item>
    </Form>
  );
}

function TrackedDossier({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const [digits, setDigits] = useState<string>();
  const remote = useRemote(`${code}|${lang}`, (signal) => trackDossier(code, undefined, { lang, signal }));
  // With the phone digits: a second request, so a refusal (429) leaves the page as it was.
  const named = useRemote(digits ? `${code}|${digits}|${lang}` : null, (signal) => trackDossier(code, digits, { lang, signal }));
  const d = named.data ?? remote.data;
  if (remote.error !== undefined) return <ProblemAlert error={remote.error} onRetry={remote.retry} />;
  if (!d)
    return (
      <div className="page-loading" role="status">
        <Spin />
      </div>
    );
  return (
    <div className="tracking-layout">
      <Card className="detail-card" title={<h2 className="card-heading dossier-code">{d.code}</h2>}>
        <Descriptions
          column={1}
          size="small"
          items={[
            { key: 'service', label: t('tracking.service'), children: d.serviceName },
            {
              key: 'state',
              label: t('tracking.state'),
              children: (
                <>
                  <StateTag state={d.state} t={t} />
                  {d.overdue && <Tag className="tag-overdue">{t('dossiers.overdue')}</Tag>}
                  {d.clockPaused && <Tag className="tag-paused">{t('dossiers.paused')}</Tag>}
                </>
              ),
            },
            { key: 'submitted', label: t('tracking.submittedOn'), children: formatDay(d.submittedOn) },
            ...(d.receivedOn ? [{ key: 'received', label: t('tracking.receivedOn'), children: formatDay(d.receivedOn) }] : []),
            { key: 'due', label: t('tracking.dueDate'), children: d.dueDate ? <strong className={d.overdue ? 'due-overdue' : undefined}>{formatDay(d.dueDate)}</strong> : <span className="muted">{t('tracking.noDueYet')}</span> },
            { key: 'applicant', label: t('tracking.applicant'), children: <span className="applicant-name">{d.applicant.fullName ?? d.applicant.initials}</span> },
          ]}
        />
        {!d.applicant.fullName && (
          <PhoneDigits wrong={digits !== undefined && named.data !== undefined && !named.data.applicant.fullName} onGive={setDigits} loading={named.loading} error={named.error} />
        )}
      </Card>
      <Card className="detail-card" title={<h2 className="card-heading">{t('tracking.timeline')}</h2>}>
        <TrackingTimeline tracking={d} />
      </Card>
    </div>
  );
}

function PhoneDigits({ wrong, onGive, loading, error }: { wrong: boolean; onGive: (d: string) => void; loading: boolean; error: unknown }) {
  const { t } = useI18n();
  return (
    <Form layout="vertical" name="phone-digits" className="phone-digits" requiredMark={false} onFinish={(v: { digits: string }) => onGive(v.digits)}>
      <Form.Item name="digits" label={t('tracking.phone')} extra={t('tracking.phoneHint')} rules={[{ required: true, pattern: /^[0-9]{4}$/, message: t('tracking.phoneInvalid') }]}>
        <Input inputMode="numeric" maxLength={4} className="digits-input" autoComplete="off" />
      </Form.Item>
      <Button htmlType="submit" loading={loading}>
        {t('tracking.show')}
      </Button>
      <div role="status" className="phone-result">
        {wrong && !loading && <p className="field-error">{t('tracking.phoneWrong')}</p>}
      </div>
      {error !== undefined && <ProblemAlert error={error} />}
    </Form>
  );
}

function TrackingTimeline({ tracking: d }: { tracking: Tracking }) {
  const { t, lang } = useI18n();
  return (
    <Timeline
      className="dossier-timeline"
      items={[...d.timeline].reverse().map((e, i) => ({
        key: i,
        content: (
          <div className="event">
            <div className="event-title">
              <strong>{stateLabel(t, e.state)}</strong>
              {e.form && <Tag className="tag-form">{t('dossiers.formNo', { form: e.form })}</Tag>}
            </div>
            <div className="muted number">{formatMoment(e.at, lang)}</div>
          </div>
        ),
      }))}
    />
  );
}
