/**
 * One e-ID application for the police (`/eid/applications/{id}`, permission `eid.decide`): the
 * applicant's particulars with the full number beside the face image they sent (level 1) or the
 * portrait taken at the collection point (level 2) — fetched with the staff session's token and
 * shown through an object URL, so the officer compares it with the citizen (the built-in checker
 * verifies nothing and says so) —, the collection point, every step with its actor and time, and —
 * while the application is verified — the decision: approve (the account is created and the
 * applicant invited by SMS to activate) or reject with a reason code (a note required for
 * "other"), each asked again in a confirmation naming the applicant.
 */
import { useEffect, useState } from 'react';
import { Alert, Breadcrumb, Button, Card, Descriptions, Form, Input, Popconfirm, Radio, Select } from 'antd';
import { RequireStaff } from '../../components/RequireStaff.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { UnitName } from '../../components/UnitName.js';
import { formatPartialDate } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { Link } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { decide, getApplication, getApplicationImage, type ApplicationDetailDto, type DecisionBody } from './api.js';
import { AppStatusTag, appStatusLabel, channelLabel, formatMoment, levelLabel, PageHead, placeProblem, REJECTION_REASONS, rejectionLabel, stepNote, type RejectionReason } from './common.js';

export function ApplicationPage({ id }: { id: number }) {
  return (
    <RequireStaff permission="eid.decide">
      <Application id={id} />
    </RequireStaff>
  );
}

function Application({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [fresh, setFresh] = useState<ApplicationDetailDto>();
  const [decided, setDecided] = useState<'approve' | 'reject'>();
  const remote = useRemote(`eid-app:${id}`, (signal) => getApplication(id, { lang, signal }));
  const a = fresh ?? remote.data;

  return (
    <>
      <Breadcrumb className="trail" items={[{ title: <Link href="/eid/applications">{t('eid.queue.title')}</Link> }, { title: t('eid.app.number', { id }) }]} />
      <PageHead title="eid.app.title" />
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {a && (
        <div className="eid-detail">
          <Card className="eid-card" title={<h2 className="card-heading">{a.fullName}</h2>} extra={<AppStatusTag status={a.status} />}>
            <div className="eid-applicant">
              {(a.biometrics.face || a.biometrics.portrait) && <ApplicantPhoto id={a.id} kind={a.biometrics.face ? 'face' : 'portrait'} />}
              <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" className="eid-descriptions">
                <Descriptions.Item label={t('eid.app.number.label')}>
                  <span className="number">{a.id}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('eid.pin')}>
                  <span className="number">{a.pin}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('eid.dob')}>{formatPartialDate(a.dateOfBirth)}</Descriptions.Item>
                <Descriptions.Item label={t('eid.sex')}>{t(a.sex === 'male' ? 'eid.sex.male' : 'eid.sex.female')}</Descriptions.Item>
                <Descriptions.Item label={t('eid.level')}>{levelLabel(t, a.level)}</Descriptions.Item>
                <Descriptions.Item label={t('eid.channel')}>{channelLabel(t, a.channel)}</Descriptions.Item>
                <Descriptions.Item label={t('eid.phone')}>
                  <span className="number">{a.phoneMasked ?? '—'}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('eid.email')}>{a.emailMasked ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('eid.app.unit')} span={2}>
                  <span>
                    <UnitName code={a.unit.code} at={a.unit.date} />
                  </span>
                </Descriptions.Item>
                {a.collectionPoint && (
                  <Descriptions.Item label={t('eid.collect.point')}>
                    {t(a.collectionPoint.kind === 'campaign' ? 'eid.collect.point.campaign' : 'eid.collect.point.office')}
                    {a.collectionPoint.campaignId && ` · ${a.collectionPoint.campaignId}`} · <span className="number">{a.collectionPoint.unitCode}</span>
                  </Descriptions.Item>
                )}
                {a.viaGuardian && <Descriptions.Item label={t('eid.app.guardian')}>{t('eid.app.viaGuardian')}</Descriptions.Item>}
                <Descriptions.Item label={t('eid.app.biometrics')}>
                  {[a.biometrics.face && t('eid.app.bio.face'), a.biometrics.portrait && t('eid.app.bio.portrait'), a.biometrics.fingerprints > 0 && t('eid.app.bio.fingers', { n: a.biometrics.fingerprints })].filter(Boolean).join(', ') || '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('eid.app.check')} span={2}>
                  <span>
                    {a.biometricCheck === 'matched' ? t('eid.app.check.matched') : t('eid.app.check.notVerified')}{' '}
                    {/* The built-in checker only stores the images; a vendor's checker is named as it names itself. */}
                    <span className="muted">({a.biometricChecker.startsWith('builtin:') ? t('eid.app.checker.builtin') : a.biometricChecker})</span>
                  </span>
                </Descriptions.Item>
                {a.consentAt && <Descriptions.Item label={t('eid.collect.consent.label')}>{formatMoment(a.consentAt, lang)}</Descriptions.Item>}
                {a.rejection && (
                  <Descriptions.Item label={t('eid.app.rejection')}>
                    {a.rejection.label[lang]}
                    {a.rejection.note && ` — ${a.rejection.note}`}
                  </Descriptions.Item>
                )}
              </Descriptions>
            </div>
          </Card>
          {decided && <Alert type="success" showIcon title={t(decided === 'approve' ? 'eid.decision.approved' : 'eid.decision.rejected', { phone: a.phoneMasked ?? '' })} />}
          {a.status === 'verified' && (
            <DecisionForm
              app={a}
              onDecided={(detail, decision) => {
                setFresh(detail);
                setDecided(decision);
              }}
            />
          )}
          <Card className="eid-card" title={<h2 className="card-heading">{t('eid.app.steps')}</h2>}>
            <ol className="eid-timeline">
              {a.steps.map((s, i) => (
                <li key={`${s.step}:${i}`}>
                  <strong>{appStatusLabel(t, s.step)}</strong>
                  <div className="muted">
                    {formatMoment(s.at, lang)} · {s.actor.kind === 'staff' ? s.actor.id : t(`eid.actor.${s.actor.kind === 'citizen' ? 'citizen' : 'system'}`)}
                    {s.actor.unitCode && ` (${s.actor.unitCode})`}
                  </div>
                  {s.reasonCode && <div>{rejectionLabel(lang, s.reasonCode)}</div>}
                  {s.note && <div className="muted">{stepNote(t, s.note)}</div>}
                </li>
              ))}
            </ol>
          </Card>
        </div>
      )}
    </>
  );
}

/**
 * The face image or portrait of application `id` (`GET /api/v1/eid/applications/{id}/face-image`,
 * audited on the server), fetched once per application with the staff token and shown through an
 * object URL that is revoked when the component goes away.
 */
function ApplicantPhoto({ id, kind }: { id: number; kind: 'face' | 'portrait' }) {
  const { t, lang } = useI18n();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const controller = new AbortController();
    let objectUrl: string | undefined;
    setUrl(undefined);
    setError(undefined);
    getApplicationImage(id, { lang, signal: controller.signal }).then(
      (blob) => {
        if (controller.signal.aborted) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
    // Fetched once per application: a change of language must not read (and audit) the image again.
  }, [id]);

  const label = t(kind === 'face' ? 'eid.app.photo.face' : 'eid.app.photo.portrait');
  return (
    <figure className="eid-photo">
      {url ? <img src={url} alt={label} /> : error === undefined ? <div className="eid-photo-placeholder muted">{t('eid.app.photo.loading')}</div> : <ProblemAlert error={error} />}
      <figcaption>
        {label}
        <span className="muted"> · {t('eid.app.photo.hint')}</span>
      </figcaption>
    </figure>
  );
}

interface DecisionValues {
  decision: 'approve' | 'reject';
  reasonCode?: RejectionReason;
  note?: string;
}

function DecisionForm({ app, onDecided }: { app: ApplicationDetailDto; onDecided: (a: ApplicationDetailDto, decision: 'approve' | 'reject') => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<DecisionValues>();
  const decision = Form.useWatch('decision', form);
  const reason = Form.useWatch('reasonCode', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // The values of a valid form awaiting the officer's confirmation (the Popconfirm is open while set).
  const [pending, setPending] = useState<DecisionValues>();

  const submit = async (v: DecisionValues) => {
    setPending(undefined);
    setBusy(true);
    setError(undefined);
    const body: DecisionBody = v.decision === 'approve' ? { decision: 'approve' } : { decision: 'reject', reasonCode: v.reasonCode, ...(v.note?.trim() ? { note: v.note.trim() } : {}) };
    try {
      onDecided(await decide(app.id, body, { lang }), v.decision);
    } catch (err) {
      setError(placeProblem(form, err, { fields: { reasonCode: { name: 'reasonCode', label: t('eid.decision.reason') }, note: { name: 'note', label: t('eid.decision.note') } } }));
      setBusy(false);
    }
  };

  return (
    <Card className="eid-card" title={<h2 className="card-heading">{t('eid.decision.title')}</h2>}>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<DecisionValues> form={form} layout="vertical" name="eid-decision" onFinish={setPending} disabled={busy} requiredMark={false} initialValues={{ decision: 'approve' }}>
        <Form.Item name="decision" label={t('eid.decision.label')}>
          <Radio.Group optionType="button" buttonStyle="solid" size="large" className="eid-choice" options={[{ value: 'approve', label: t('eid.decision.approve') }, { value: 'reject', label: t('eid.decision.reject') }]} />
        </Form.Item>
        {decision === 'reject' && (
          <>
            <Form.Item name="reasonCode" label={t('eid.decision.reason')} rules={[{ required: true, message: t('eid.decision.reasonRequired') }]}>
              <Select options={Object.keys(REJECTION_REASONS).map((code) => ({ value: code, label: rejectionLabel(lang, code) }))} />
            </Form.Item>
            <Form.Item name="note" label={t('eid.decision.note')} rules={[{ required: reason === 'OTHER', whitespace: true, message: t('eid.decision.noteRequired') }]}>
              <Input.TextArea maxLength={500} rows={3} showCount />
            </Form.Item>
          </>
        )}
        <Popconfirm
          open={pending !== undefined}
          onOpenChange={(open) => {
            // Opened only by a valid submission (onFinish); a click elsewhere or Escape closes it.
            if (!open) setPending(undefined);
          }}
          title={t(pending?.decision === 'reject' ? 'eid.decision.confirmReject' : 'eid.decision.confirmApprove', { name: app.fullName })}
          description={
            pending?.decision === 'reject' ? t('eid.decision.confirmRejectDetail', { reason: pending.reasonCode ? rejectionLabel(lang, pending.reasonCode) : '' }) : t('eid.decision.confirmApproveDetail')
          }
          okText={t(pending?.decision === 'reject' ? 'eid.decision.confirmRejectOk' : 'eid.decision.confirmApproveOk')}
          okButtonProps={{ danger: pending?.decision === 'reject' }}
          cancelText={t('eid.decision.cancel')}
          onConfirm={() => pending && submit(pending)}
          onCancel={() => setPending(undefined)}
        >
          <Button type="primary" danger={decision === 'reject'} htmlType="submit" size="large" loading={busy}>
            {decision === 'reject' ? t('eid.decision.submitReject') : t('eid.decision.submitApprove')}
          </Button>
        </Popconfirm>
      </Form>
    </Card>
  );
}
