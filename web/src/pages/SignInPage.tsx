/**
 * Staff sign-in (`/sign-in?next=`): username, password and the 6-digit code of the officer's
 * authenticator app (TOTP, RFC 6238; left empty at the first sign-in). A wrong combination shows
 * the server's STAFF_CREDENTIALS_INVALID message; a missing or wrong code (STAFF_OTP_REQUIRED,
 * STAFF_OTP_INVALID) is said under the code field. An account without a second factor yet gets,
 * instead of a session, its enrolment: a QR code (drawn in the page) and the secret as text for
 * the app, confirmed with the app's first code, which opens the session. Afterwards the officer
 * goes back where they were sent from.
 */
import { useState } from 'react';
import { Alert, Button, Card, ConfigProvider, Form, Input, Typography, type FormInstance, type ThemeConfig } from 'antd';
import { ApiError, type StaffMeDto, type StaffTotpEnrolmentDto } from '../api.js';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, safeNext, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { groupedSecret, useQrDataUrl } from '../totp.js';

interface FormValues {
  username: string;
  password: string;
  otp?: string;
}

const SIX_DIGITS = /^\d{6}$/;
/** Ant Design's error red (#ff4d4f) is too pale for text on white (WCAG 1.4.3); this one passes. */
const THEME: ThemeConfig = { token: { colorError: '#c62828' } };

/**
 * Says a code problem under the code field of `form` (the error is then handled); any other error
 * is answered for the page to show.
 */
function placeOtpProblem(form: FormInstance, err: unknown): unknown {
  if (err instanceof ApiError && (err.problem.code === 'STAFF_OTP_REQUIRED' || err.problem.code === 'STAFF_OTP_INVALID')) {
    form.setFields([{ name: 'otp', value: '', errors: [err.problem.detail] }]);
    return undefined;
  }
  return err;
}

export function SignInPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [enrolment, setEnrolment] = useState<{ username: string; enrolment: StaffTotpEnrolmentDto }>();
  const next = safeNext(search.get('next'), '');
  const expired = session.state.status === 'anonymous' && session.state.expired;

  // Without a page asked for: where the account's work is — the registry for those who look people
  // up, the dashboard for the working group (which reads aggregates only), else the units browser.
  const home = (me: StaffMeDto) => (me.permissions.includes('citizen.read') ? '/citizens' : me.permissions.includes('reports.read') ? '/reports' : '/units');
  const proceed = (me: StaffMeDto) => navigate(next || home(me));

  const submit = async ({ username, password, otp }: FormValues) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await session.signIn(username, password, otp?.trim() || undefined);
      if ('enrolment' in answer) {
        setEnrolment({ username: username.trim().toLowerCase(), enrolment: answer.enrolment });
        form.resetFields(['password', 'otp']);
        setBusy(false);
      } else {
        proceed(answer.staff);
      }
    } catch (err) {
      setError(placeOtpProblem(form, err));
      setBusy(false);
    }
  };

  const back = (err?: unknown) => {
    setEnrolment(undefined);
    setError(err);
  };

  return (
    <ConfigProvider theme={THEME}>
      <div className="narrow-page">
        <Card className="sign-in-card">
          {enrolment && !session.staff ? (
            <Enrolment username={enrolment.username} enrolment={enrolment.enrolment} onDone={proceed} onBack={back} />
          ) : (
            <>
              <Typography.Title level={1} className="page-title">
                {t('signIn.title')}
              </Typography.Title>
              <Typography.Paragraph className="page-intro">{t('signIn.intro')}</Typography.Paragraph>
              {session.staff ? (
                <Alert
                  type="info"
                  showIcon
                  title={t('signIn.already', { name: session.staff.displayName })}
                  action={<Link href={next || '/citizens'}>{t('signIn.continue')}</Link>}
                />
              ) : (
                <>
                  {error !== undefined ? <ProblemAlert error={error} /> : expired ? <Alert type="warning" showIcon title={t('signIn.expired')} /> : next ? <Alert type="info" showIcon title={t('signIn.needed')} /> : null}
                  <Form<FormValues> form={form} layout="vertical" onFinish={submit} requiredMark={false} name="sign-in" disabled={busy}>
                    <Form.Item name="username" label={t('signIn.username')} rules={[{ required: true, whitespace: true, message: t('signIn.usernameRequired') }]}>
                      <Input autoComplete="username" autoCapitalize="none" spellCheck={false} maxLength={64} size="large" />
                    </Form.Item>
                    <Form.Item name="password" label={t('signIn.password')} rules={[{ required: true, message: t('signIn.passwordRequired') }]}>
                      <Input.Password autoComplete="current-password" maxLength={128} size="large" />
                    </Form.Item>
                    <Form.Item name="otp" label={t('signIn.otp')} extra={t('signIn.otpHint')} rules={[{ pattern: SIX_DIGITS, message: t('signIn.otpInvalid') }]}>
                      <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" className="number otp-input" />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" size="large" block loading={busy}>
                      {t('signIn.submit')}
                    </Button>
                  </Form>
                </>
              )}
            </>
          )}
        </Card>
      </div>
    </ConfigProvider>
  );
}

/**
 * The enrolment step: the QR code and the secret of `enrolment` for an authenticator app, then its
 * first code, which confirms the second factor and opens the session (`onDone`). An expired or
 * used enrolment goes back to the sign-in form with the server's message (`onBack`).
 */
function Enrolment({ username, enrolment, onDone, onBack }: { username: string; enrolment: StaffTotpEnrolmentDto; onDone: (me: StaffMeDto) => void; onBack: (err?: unknown) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<{ otp: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const qr = useQrDataUrl(enrolment.uri);
  const [minutes] = useState(() => Math.max(1, Math.round((Date.parse(enrolment.expiresAt) - Date.now()) / 60_000)));

  const confirm = async ({ otp }: { otp: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await session.confirmTotpEnrolment(enrolment.token, otp.trim()));
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'STAFF_TOTP_ENROLMENT_EXPIRED') {
        onBack(err);
        return;
      }
      setError(placeOtpProblem(form, err));
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t('signIn.enrol.title')}
      </Typography.Title>
      <Typography.Paragraph className="page-intro">{t('signIn.enrol.intro', { name: username })}</Typography.Paragraph>
      <ol className="totp-steps">
        <li>
          {t('signIn.enrol.step1')}
          <div className="totp-qr">
            {qr ? <img src={qr} width={192} height={192} alt={t('signIn.enrol.qrAlt')} /> : <span className="muted">…</span>}
            <a href={enrolment.uri} className="totp-otpauth">
              {t('signIn.enrol.openApp')}
            </a>
          </div>
          <p>
            {t('signIn.enrol.secret')} <code className="totp-secret">{groupedSecret(enrolment.secret)}</code>
          </p>
        </li>
        <li>{t('signIn.enrol.step2', { minutes })}</li>
      </ol>
      <Alert type="warning" showIcon title={t('signIn.enrol.keep')} className="totp-keep" />
      {error !== undefined && <ProblemAlert error={error} />}
      <Form form={form} layout="vertical" name="totp-enrolment" onFinish={confirm} disabled={busy} requiredMark={false}>
        <Form.Item name="otp" label={t('signIn.otp')} rules={[{ required: true, message: t('signIn.otpRequired') }, { pattern: SIX_DIGITS, message: t('signIn.otpInvalid') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" className="number otp-input" />
        </Form.Item>
        <div className="totp-actions">
          <Button type="primary" htmlType="submit" size="large" loading={busy}>
            {t('signIn.enrol.confirm')}
          </Button>
          <Button size="large" onClick={() => onBack()} disabled={busy}>
            {t('signIn.enrol.back')}
          </Button>
        </div>
      </Form>
    </>
  );
}
