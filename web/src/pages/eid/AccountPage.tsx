/**
 * The signed-in citizen's e-ID account (`/eid/account`): level, status, phone, two-factor and
 * children's accounts; two-factor (TOTP, RFC 6238) turned on with a QR code or the authenticator
 * app's link, or off; locking the account with the passcode (lost phone: every session ends); the
 * live sessions, each of which can be ended; the usage history (kept 5 years) and the registry's
 * log of who read the citizen's record; a link to the data they agreed to share with portals
 * (web/src/pages/sso/ConsentsPage.tsx). Laid out in one column for a phone.
 */
import { useState } from 'react';
import { Button, Card, Descriptions, Form, Input, Pagination, Segmented, Tag } from 'antd';
import { listPurposes, type PurposeOption } from '../../api.js';
import { RequireCitizen } from '../../components/RequireCitizen.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { actionLabel, useI18n, type Translate } from '../../i18n.js';
import { navigate } from '../../router.js';
import { groupedSecret, useQrDataUrl } from '../../totp.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { confirmTotp, disableTotp, endMySession, lockMyAccount, myHistory, mySessions, startTotp, type SessionDto, type TotpEnrolmentDto } from './api.js';
import { CONSENTS_PATH } from '../sso/index.js';
import { AccountStatusTag, formatMoment, LevelTag, LinkButton, lockReasonLabel, PageHead, placeProblem, SIX_DIGITS, usageLabel } from './common.js';

export function AccountPage() {
  return (
    <RequireCitizen>
      <Account />
    </RequireCitizen>
  );
}

function Account() {
  const { t, lang } = useI18n();
  const { citizen } = useSession();
  const me = citizen.account!;

  return (
    <div className="eid-page">
      <PageHead title="eid.account.title" />
      <Card className="eid-card" title={<h2 className="card-heading">{me.fullName}</h2>} extra={<Button onClick={() => void citizen.signOut().then(() => navigate('/eid/sign-in'))}>{t('eid.signOut')}</Button>}>
        <Descriptions column={1} size="small" className="eid-descriptions">
          <Descriptions.Item label={t('eid.pin')}>
            <span className="number">{me.pinMasked}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('eid.level')}>
            <span className="eid-level">
              <LevelTag level={me.level} />
              {me.pendingLevel !== null && <span className="muted">{t('eid.account.pendingLevel', { level: me.pendingLevel })}</span>}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('eid.status')}>
            <AccountStatusTag status={me.status} />
            {me.lockReason && <span className="muted"> {lockReasonLabel(t, me.lockReason)}</span>}
          </Descriptions.Item>
          <Descriptions.Item label={t('eid.phone')}>
            <span className="number">{me.phoneMasked ?? '—'}</span>
          </Descriptions.Item>
          {me.emailMasked && <Descriptions.Item label={t('eid.email')}>{me.emailMasked}</Descriptions.Item>}
          <Descriptions.Item label={t('eid.account.activatedAt')}>{formatMoment(me.activatedAt, lang)}</Descriptions.Item>
          <Descriptions.Item label={t('eid.account.twoFactor')}>{me.totpEnabled ? t('eid.account.twoFactorOn') : t('eid.account.twoFactorOff')}</Descriptions.Item>
        </Descriptions>
        {me.dependants.length > 0 && (
          <div className="eid-dependants">
            <h3 className="eid-subheading">{t('eid.account.dependants')}</h3>
            <ul className="plain-list">
              {me.dependants.map((d) => (
                <li key={d.id}>
                  {d.fullName} · <span className="number">{d.pinMasked}</span> · <LevelTag level={d.level} /> <AccountStatusTag status={d.status} />
                </li>
              ))}
            </ul>
          </div>
        )}
      </Card>
      <Card className="eid-card" title={<h2 className="card-heading">{t('sso.consents.card')}</h2>}>
        <p>{t('sso.consents.cardText')}</p>
        <LinkButton href={CONSENTS_PATH}>{t('sso.consents.open')}</LinkButton>
      </Card>
      <Security />
      <Sessions />
      <History />
    </div>
  );
}

// --- two-factor and lock --------------------------------------------------------------------------

function Security() {
  const { t } = useI18n();
  const { citizen } = useSession();
  const me = citizen.account!;
  return (
    <Card className="eid-card" title={<h2 className="card-heading">{t('eid.account.security')}</h2>}>
      <section aria-labelledby="eid-totp-heading">
        <h3 id="eid-totp-heading" className="eid-subheading">
          {t('eid.account.twoFactor')}
        </h3>
        {me.totpEnabled ? <TotpOff /> : <TotpOn />}
      </section>
      <section aria-labelledby="eid-lock-heading" className="eid-lock">
        <h3 id="eid-lock-heading" className="eid-subheading">
          {t('eid.lock.title')}
        </h3>
        <LockForm />
      </section>
    </Card>
  );
}

function TotpOn() {
  const { t, lang } = useI18n();
  const { citizen } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolmentDto>();
  const qr = useQrDataUrl(enrolment?.uri);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ otp: string }>();

  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setEnrolment(await startTotp({ lang }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async ({ otp }: { otp: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await confirmTotp(otp.trim(), { lang });
      citizen.reload();
    } catch (err) {
      setError(placeProblem(form, err, { fields: { otp: { name: 'otp', label: t('eid.otp') } }, codes: { EID_OTP_INVALID: 'otp' } }));
      setBusy(false);
    }
  };

  if (!enrolment) {
    return (
      <>
        <p>{t('eid.totp.intro')}</p>
        {error !== undefined && <ProblemAlert error={error} />}
        <Button size="large" onClick={() => void start()} loading={busy}>
          {t('eid.totp.start')}
        </Button>
      </>
    );
  }
  return (
    <div className="eid-totp">
      <ol className="eid-totp-steps">
        <li>
          {t('eid.totp.step1')}
          <div className="eid-qr">
            {qr ? <img src={qr} width={192} height={192} alt={t('eid.totp.qrAlt')} /> : <span className="muted">…</span>}
            <a href={enrolment.uri} className="eid-otpauth">
              {t('eid.totp.openApp')}
            </a>
          </div>
          <p>
            {t('eid.totp.secret')} <code className="eid-secret">{groupedSecret(enrolment.secret)}</code>
          </p>
        </li>
        <li>{t('eid.totp.step2')}</li>
      </ol>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form form={form} layout="vertical" name="eid-totp-confirm" onFinish={confirm} disabled={busy} requiredMark={false}>
        <Form.Item name="otp" label={t('eid.otp')} rules={[{ required: true, message: t('eid.otp.required') }, { pattern: SIX_DIGITS, message: t('eid.code.invalid') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" className="number eid-code" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" loading={busy}>
          {t('eid.totp.confirm')}
        </Button>
      </Form>
    </div>
  );
}

function TotpOff() {
  const { t, lang } = useI18n();
  const { citizen } = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ otp: string }>();
  const submit = async ({ otp }: { otp: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await disableTotp(otp.trim(), { lang });
      citizen.reload();
    } catch (err) {
      setError(placeProblem(form, err, { fields: { otp: { name: 'otp', label: t('eid.otp') } }, codes: { EID_OTP_INVALID: 'otp' } }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>{t('eid.totp.onText')}</p>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form form={form} layout="vertical" name="eid-totp-disable" onFinish={submit} disabled={busy} requiredMark={false}>
        <Form.Item name="otp" label={t('eid.otp')} rules={[{ required: true, message: t('eid.otp.required') }, { pattern: SIX_DIGITS, message: t('eid.code.invalid') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" className="number eid-code" />
        </Form.Item>
        <Button size="large" htmlType="submit" loading={busy}>
          {t('eid.totp.disable')}
        </Button>
      </Form>
    </>
  );
}

function LockForm() {
  const { t, lang } = useI18n();
  const { citizen } = useSession();
  const [form] = Form.useForm<{ passcode: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ passcode }: { passcode: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await lockMyAccount(passcode, { lang });
      // Every session ended with the lock, this one too; the sign-on refuses a locked account, so
      // it is not asked whether to sign out as well (a question that only confused, in a trial).
      await citizen.signOut({ provider: false });
      navigate('/eid/sign-in?locked=1');
    } catch (err) {
      setError(placeProblem(form, err, { fields: { passcode: { name: 'passcode', label: t('eid.passcode') } }, codes: { EID_PASSCODE_WRONG: 'passcode' } }));
      setBusy(false);
    }
  };
  return (
    <>
      <p>{t('eid.lock.text')}</p>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form form={form} layout="vertical" name="eid-lock" onFinish={submit} disabled={busy} requiredMark={false}>
        <Form.Item name="passcode" label={t('eid.passcode')} rules={[{ required: true, message: t('eid.passcode.required') }, { pattern: SIX_DIGITS, message: t('eid.passcode.invalid') }]}>
          <Input.Password inputMode="numeric" autoComplete="off" maxLength={6} size="large" className="number" />
        </Form.Item>
        <Button danger size="large" htmlType="submit" loading={busy}>
          {t('eid.lock.submit')}
        </Button>
      </Form>
    </>
  );
}

// --- sessions ---------------------------------------------------------------------------------------

/** "Chrome · Android" from a User-Agent; the text itself when it names nothing known. */
export function deviceName(ua: string | null, t: Translate): string {
  if (!ua) return t('eid.sessions.unknownDevice');
  const browser = /Edg\//.test(ua) ? 'Edge' : /OPR\/|Opera/.test(ua) ? 'Opera' : /CocCoc|coc_coc/i.test(ua) ? 'Cốc Cốc' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\/|CriOS/.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : undefined;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iOS/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : undefined;
  return browser || os ? [browser, os].filter(Boolean).join(' · ') : ua.slice(0, 60);
}

function Sessions() {
  const { t, lang } = useI18n();
  const { citizen } = useSession();
  const [attempt, setAttempt] = useState(0);
  const [error, setError] = useState<unknown>();
  const remote = useRemote(`sessions:${attempt}`, (signal) => mySessions({ lang, signal }));
  const end = async (s: SessionDto) => {
    setError(undefined);
    if (s.current) {
      await citizen.signOut();
      navigate('/eid/sign-in');
      return;
    }
    try {
      await endMySession(s.id, { lang });
      setAttempt((n) => n + 1);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card className="eid-card" title={<h2 className="card-heading">{t('eid.sessions.title')}</h2>}>
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <ul className="eid-list eid-sessions">
        {(remote.data?.items ?? []).map((s) => (
          <li key={s.id}>
            <div className="eid-list-main">
              <strong>{deviceName(s.device, t)}</strong> {s.current && <Tag className="eid-tag eid-this">{t('eid.sessions.this')}</Tag>}
              <div className="muted">
                {t('eid.sessions.since', { at: formatMoment(s.createdAt, lang) })}
                {s.sourceIp && ` · ${t('eid.sessions.ip', { ip: s.sourceIp })}`}
              </div>
              <div className="muted">{t('eid.sessions.until', { at: formatMoment(s.expiresAt, lang) })}</div>
            </div>
            <Button onClick={() => void end(s)}>{s.current ? t('eid.signOut') : t('eid.sessions.end')}</Button>
          </li>
        ))}
      </ul>
      {remote.loading && !remote.data && <p className="muted">{t('eid.loading')}</p>}
    </Card>
  );
}

// --- history ------------------------------------------------------------------------------------------

const PAGE_SIZE = 10;

function History() {
  const { t, lang } = useI18n();
  const [tab, setTab] = useState<'usage' | 'registry'>('usage');
  const [page, setPage] = useState(1);
  const remote = useRemote(`history:${page}`, (signal) => myHistory({ page, pageSize: PAGE_SIZE }, { lang, signal }));
  const purposes = useRemote('purposes', (signal) => listPurposes({ lang, signal, auth: 'none' }));
  const purposeLabel = (code: string | null) => {
    if (!code) return undefined;
    const p: PurposeOption | undefined = purposes.data?.find((x) => x.code === code);
    return p ? p[lang] : code;
  };
  const list = tab === 'usage' ? remote.data?.usage : remote.data?.registryAccess;

  return (
    <Card className="eid-card" title={<h2 className="card-heading">{t('eid.history.title')}</h2>}>
      <Segmented<'usage' | 'registry'>
        block
        className="eid-segmented"
        value={tab}
        onChange={setTab}
        options={[
          { value: 'usage', label: t('eid.history.usage') },
          { value: 'registry', label: t('eid.history.registry') },
        ]}
      />
      <p className="muted eid-hint">{tab === 'usage' ? t('eid.history.usageHint', { years: remote.data?.retentionYears ?? 5 }) : t('eid.history.registryHint')}</p>
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {tab === 'usage' ? (
        <ul className="eid-list eid-usage" aria-label={t('eid.history.usage')}>
          {(remote.data?.usage.items ?? []).map((u, i) => (
            <li key={`${u.at}:${i}`}>
              <div className="eid-list-main">
                <strong>{usageLabel(t, u.action)}</strong> {u.thisSession && <Tag className="eid-tag eid-this">{t('eid.sessions.this')}</Tag>}
                <div className="muted">
                  {formatMoment(u.at, lang)}
                  {u.device && ` · ${deviceName(u.device, t)}`}
                  {u.sourceIp && ` · ${t('eid.sessions.ip', { ip: u.sourceIp })}`}
                </div>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <ul className="eid-list eid-registry" aria-label={t('eid.history.registry')}>
          {(remote.data?.registryAccess.items ?? []).map((e, i) => (
            <li key={`${e.at}:${i}`}>
              <div className="eid-list-main">
                <strong>{actionLabel(lang, e.action, 'other')}</strong>
                <div className="muted">
                  {formatMoment(e.at, lang)} · {t(`eid.actor.${e.actorKind === 'staff' || e.actorKind === 'citizen' ? e.actorKind : 'system'}`)}
                  {e.actorUnit && ` · ${t('eid.history.unit', { code: e.actorUnit })}`}
                </div>
                {e.purposeCode && <div className="muted">{t('eid.history.purpose', { purpose: purposeLabel(e.purposeCode) ?? '' })}</div>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {list && list.items.length === 0 && <p className="empty">{t('eid.history.empty')}</p>}
      {list && list.total > PAGE_SIZE && <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.total} onChange={setPage} className="eid-pagination" />}
      {remote.loading && !remote.data && <p className="muted">{t('eid.loading')}</p>}
    </Card>
  );
}

