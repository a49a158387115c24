/**
 * A citizen's sign-in with their e-ID account (`/eid/sign-in?next=`): identification number and
 * password, and the authenticator code when two-factor is on (the field appears when the server
 * answers EID_OTP_REQUIRED). Any wrong combination is one message (the server does not say which
 * part was wrong); it goes as soon as the citizen edits the form or tries again, so a new attempt
 * refused by a field's own check shows that field's message alone. An account the citizen locked
 * themselves can be unlocked here with the passcode; other locks send them to the police. Afterwards the citizen goes where they were sent from, else
 * to their account page.
 *
 * First of all, when the server offers it (`GET /api/v1/portal/sign-in`), the page signs in through
 * the single sign-on as any portal does (src/portal): one button to the provider's pages, which
 * come back through `/eid/signed-in`; a sign-in that came back without a session says why
 * (`?sso=refused|expired|failed|locked|unavailable`).
 */
import { useState } from 'react';
import { Alert, Button, Card, Divider, Form, Input } from 'antd';
import { ApiError, portalSignIn, portalSignInHref } from '../../api.js';
import { useRemote } from '../../useRemote.js';
import { useI18n } from '../../i18n.js';
import { Link, navigate, safeNext, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { unlockOwnAccount } from './api.js';
import { FormProblem, LinkButton, lockReasonLabel, PageHead, PIN, placeProblem, rememberedPin, SIX_DIGITS, type FieldMap, type LockReason } from './common.js';

interface Values {
  pin: string;
  password: string;
  otp?: string;
  passcode?: string;
}

const SSO_REASONS = ['refused', 'expired', 'failed', 'locked', 'unavailable'] as const;

export function CitizenSignInPage() {
  const { t, lang } = useI18n();
  const { citizen } = useSession();
  const { search } = useLocation();
  const next = safeNext(search.get('next'), '/eid/account');
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [needOtp, setNeedOtp] = useState(false);
  const [locked, setLocked] = useState<LockReason>();
  const [unlocked, setUnlocked] = useState(false);
  // The citizen has started a new attempt (edited the form or pressed the button): what was said
  // about the last one (its refusal, the single sign-on's outcome, an ended session) goes.
  const [retrying, setRetrying] = useState(false);
  const newAttempt = () => {
    setError(undefined);
    setRetrying(true);
  };
  const expired = citizen.state.status === 'anonymous' && citizen.state.expired;
  const justLocked = search.get('locked') === '1';
  const sso = useRemote('portal-sign-in', (signal) => portalSignIn({ lang, signal }));
  const ssoOffered = sso.data?.available === true;
  const ssoReason = SSO_REASONS.find((r) => r === search.get('sso'));
  const map: FieldMap = { fields: { pin: { name: 'pin', label: t('eid.pin') }, password: { name: 'password', label: t('eid.password') }, otp: { name: 'otp', label: t('eid.otp') } }, codes: { EID_OTP_INVALID: 'otp' } };

  const submit = async (v: Values) => {
    setBusy(true);
    newAttempt();
    try {
      if (locked === 'citizen_request') {
        await unlockOwnAccount({ pin: v.pin.trim(), password: v.password, passcode: v.passcode! }, { lang });
        setLocked(undefined);
        setUnlocked(true);
      }
      await citizen.signIn(v.pin.trim(), v.password, needOtp ? v.otp?.trim() : undefined);
      navigate(next);
    } catch (err) {
      const code = err instanceof ApiError ? err.problem.code : undefined;
      if (code === 'EID_OTP_REQUIRED') {
        setNeedOtp(true);
        setError(undefined);
      } else if (code === 'EID_ACCOUNT_LOCKED') {
        const reason = ((err as ApiError).problem as { lockReason?: LockReason }).lockReason;
        // Said below in the citizen's words, with what to do.
        setLocked(reason ?? 'police');
        setError(undefined);
      } else if (code === 'EID_PASSCODE_WRONG') {
        form.setFields([{ name: 'passcode', errors: [(err as ApiError).problem.detail] }]);
      } else {
        setError(placeProblem(form, err, map));
      }
      setBusy(false);
    }
  };

  if (citizen.account) {
    return (
      <div className="eid-narrow">
        <PageHead title="eid.signIn.title" />
        <Card>
          <Alert type="info" showIcon title={t('eid.signIn.already', { name: citizen.account.fullName })} />
          <div className="eid-actions">
            <LinkButton href={next} type="primary">
              {t('eid.signIn.continue')}
            </LinkButton>
            <Button size="large" onClick={() => void citizen.signOut()}>
              {t('eid.signOut')}
            </Button>
          </div>
        </Card>
      </div>
    );
  }

  return (
    <div className="eid-narrow">
      <PageHead title="eid.signIn.title" intro={t('eid.signIn.intro')} />
      <Card>
        {ssoReason && !retrying && <Alert type={ssoReason === 'refused' || ssoReason === 'locked' ? 'warning' : 'error'} showIcon title={t(`eid.signIn.sso.${ssoReason}`)} className="eid-sso-notice" />}
        {ssoOffered && (
          <div className="eid-sso">
            <Button type="primary" size="large" block href={portalSignInHref(next, lang)}>
              {t('eid.signIn.sso')}
            </Button>
            <p className="eid-aside muted">{t('eid.signIn.ssoHint')}</p>
            <Divider plain>{t('eid.signIn.direct')}</Divider>
          </div>
        )}
        {justLocked && !locked && !unlocked && <Alert type="success" showIcon title={t('eid.signIn.justLocked')} />}
        {expired && !justLocked && !retrying && error === undefined && <Alert type="warning" showIcon title={t('eid.signIn.expired')} />}
        {unlocked && <Alert type="success" showIcon title={t('eid.signIn.unlocked')} />}
        <FormProblem error={error} />
        {needOtp && <Alert type="info" showIcon title={t('eid.signIn.otpNeeded')} />}
        {locked === 'citizen_request' && <Alert type="warning" showIcon title={t('eid.signIn.lockedByYou')} description={t('eid.signIn.unlockHint')} />}
        {locked && locked !== 'citizen_request' && <Alert type="warning" showIcon title={t('eid.signIn.locked')} description={t('eid.signIn.lockedOther', { reason: lockReasonLabel(t, locked) })} />}
        <Form<Values> form={form} layout="vertical" name="eid-sign-in" onFinish={submit} onFinishFailed={newAttempt} onValuesChange={newAttempt} disabled={busy} requiredMark={false} initialValues={{ pin: rememberedPin() }} className="eid-form">
          <Form.Item name="pin" label={t('eid.pin')} rules={[{ required: true, message: t('eid.pin.required') }, { pattern: PIN, message: t('eid.pin.invalid') }]}>
            <Input inputMode="numeric" autoComplete="username" maxLength={12} size="large" className="number" />
          </Form.Item>
          <Form.Item name="password" label={t('eid.password')} rules={[{ required: true, message: t('eid.password.required') }]}>
            <Input.Password autoComplete="current-password" maxLength={256} size="large" />
          </Form.Item>
          {needOtp && (
            <Form.Item name="otp" label={t('eid.otp')} extra={t('eid.otp.hint')} rules={[{ required: true, message: t('eid.otp.required') }, { pattern: SIX_DIGITS, message: t('eid.code.invalid') }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" className="number eid-code" autoFocus />
            </Form.Item>
          )}
          {locked === 'citizen_request' && (
            <Form.Item name="passcode" label={t('eid.passcode')} rules={[{ required: true, message: t('eid.passcode.required') }, { pattern: SIX_DIGITS, message: t('eid.passcode.invalid') }]}>
              <Input.Password inputMode="numeric" autoComplete="off" maxLength={6} size="large" className="number" autoFocus />
            </Form.Item>
          )}
          <Button type={ssoOffered ? 'default' : 'primary'} htmlType="submit" size="large" block loading={busy}>
            {locked === 'citizen_request' ? t('eid.signIn.unlockAndSignIn') : t('eid.signIn.submit')}
          </Button>
        </Form>
        <p className="eid-aside">
          {t('eid.signIn.noAccount')} <Link href="/eid/apply">{t('eid.nav.apply')}</Link> · <Link href="/eid/activate">{t('eid.nav.activate')}</Link>
        </p>
        <p className="eid-aside muted">
          {t('eid.signIn.staff')} <Link href="/sign-in">{t('eid.signIn.staffLink')}</Link>
        </p>
      </Card>
    </div>
  );
}
