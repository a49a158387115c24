/**
 * Activation of an approved e-ID account (`/eid/activate`, the address the approval SMS gives):
 * 1. identification number + phone → the server sends a 6-digit code by SMS (valid 5 minutes; the
 *    same answer whether or not a code was sent, so nobody learns whose account awaits activation);
 * 2. the code, a password (NIST SP 800-63B: at least 8 characters, not a common one — the rules are
 *    shown, nothing else is imposed) and a 6-digit passcode (not one repeated digit, not a run).
 *    A level-2 upgrade or a new phone needs the code only: the password stays.
 * Wrong, expired, replayed codes and too many tries are said under the code field.
 *
 * The activation in progress (number, phone, when the code was sent, when another may be asked
 * for) is kept for the tab (`sessionStorage`), so a reload opens step 2 again: the code already
 * sent stays usable until it expires, and "send again" waits as the server's limits do (one code a
 * minute; a refusal's `Retry-After` beyond that) instead of asking at once and being refused.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, Result } from 'antd';
import { ApiError, storeTabValue, tabValue } from '../../api.js';
import { formatTime } from '../../dates.js';
import { useI18n } from '../../i18n.js';
import { Link } from '../../router.js';
import { confirmActivation, requestActivationCode, type ActivationResultDto, type CodeRequestAnswerDto } from './api.js';
import { FormProblem, LinkButton, PageHead, PIN, placeProblem, rememberPin, rememberedPin, SIX_DIGITS, weakPasscode, type FieldMap } from './common.js';

interface RequestValues {
  pin: string;
  phone: string;
}

interface ConfirmValues {
  code: string;
  hasPassword?: boolean;
  password?: string;
  password2?: string;
  passcode?: string;
}

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

/** An activation in progress: who asked, the server's answer, and when (ms since the epoch). */
interface Activation {
  who: RequestValues;
  sent: CodeRequestAnswerDto;
  sentAt: number;
  /** When "send again" may be asked for. */
  resendAt: number;
  /** The code shown is a second (or later) one. */
  resent: boolean;
}

const ACTIVATION_KEY = 'motcua.eidActivation';
/** An activation older than this is forgotten (the per-number limit counts an hour). */
const ACTIVATION_KEEP_MS = 60 * 60 * 1000;

/** The activation in progress in this tab, if any (not after {@link ACTIVATION_KEEP_MS}). */
function storedActivation(): Activation | undefined {
  try {
    const a = JSON.parse(tabValue(ACTIVATION_KEY) ?? 'null') as Activation | null;
    if (!a || typeof a.who?.pin !== 'string' || typeof a.who.phone !== 'string' || typeof a.sent?.phoneMasked !== 'string' || typeof a.sentAt !== 'number' || typeof a.resendAt !== 'number') return undefined;
    if (Date.now() - a.sentAt > ACTIVATION_KEEP_MS) {
      storeActivation(undefined);
      return undefined;
    }
    return a;
  } catch {
    return undefined;
  }
}

function storeActivation(a: Activation | undefined): void {
  storeTabValue(ACTIVATION_KEY, a ? JSON.stringify(a) : null);
}

export function ActivatePage() {
  const { t } = useI18n();
  // Read once, at the page's start: a reload comes back to step 2.
  const [restored] = useState(storedActivation);
  const [activation, setActivationState] = useState<Activation | undefined>(restored);
  const [who, setWho] = useState<RequestValues | undefined>(restored?.who);
  const [done, setDone] = useState<ActivationResultDto>();
  const sent = activation?.sent;
  const setActivation = (a: Activation | undefined) => {
    storeActivation(a);
    setActivationState(a);
  };

  if (done) {
    return (
      <div className="eid-narrow">
        <Card>
          <Result
            status="success"
            title={<h1 className="result-title">{t('eid.activate.doneTitle')}</h1>}
            subTitle={t('eid.activate.doneText', { level: done.level })}
            extra={
              <LinkButton href="/eid/sign-in" type="primary">
                {t('eid.signIn.submit')}
              </LinkButton>
            }
          />
        </Card>
      </div>
    );
  }

  return (
    <div className="eid-narrow">
      <PageHead title="eid.activate.title" intro={t('eid.activate.intro')} />
      <ol className="eid-steps" aria-label={t('eid.activate.stepsLabel')}>
        <li className={sent ? 'done' : 'current'} aria-current={sent ? undefined : 'step'}>
          {t('eid.activate.step1')}
        </li>
        <li className={sent ? 'current' : ''} aria-current={sent ? 'step' : undefined}>
          {t('eid.activate.step2')}
        </li>
      </ol>
      <Card>
        {activation ? (
          <ConfirmForm
            activation={activation}
            restored={activation === restored}
            onChange={setActivation}
            onBack={() => setActivation(undefined)}
            onDone={(r) => {
              rememberPin(activation.who.pin);
              setActivation(undefined);
              setDone(r);
              window.scrollTo(0, 0);
            }}
          />
        ) : (
          <RequestForm
            initial={who}
            onSent={(values, answer) => {
              const now = Date.now();
              setWho(values);
              setActivation({ who: values, sent: answer, sentAt: now, resendAt: now + answer.resendAfterSeconds * 1000, resent: false });
            }}
          />
        )}
      </Card>
    </div>
  );
}

function RequestForm({ initial, onSent }: { initial: RequestValues | undefined; onSent: (v: RequestValues, a: CodeRequestAnswerDto) => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<RequestValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const map: FieldMap = { fields: { pin: { name: 'pin', label: t('eid.pin') }, phone: { name: 'phone', label: t('eid.phone') } }, codes: { EID_PHONE_INVALID: 'phone' } };

  const submit = async (v: RequestValues) => {
    const values = { pin: v.pin.trim(), phone: v.phone.trim() };
    setBusy(true);
    setError(undefined);
    try {
      onSent(values, await requestActivationCode(values, { lang }));
    } catch (err) {
      setError(placeProblem(form, err, map));
      setBusy(false);
    }
  };

  return (
    <>
      <FormProblem error={error} />
      <Form<RequestValues> form={form} layout="vertical" name="eid-activate-request" onFinish={submit} disabled={busy} requiredMark={false} initialValues={initial ?? { pin: rememberedPin() }} className="eid-form">
        <Form.Item name="pin" label={t('eid.pin')} rules={[{ required: true, message: t('eid.pin.required') }, { pattern: PIN, message: t('eid.pin.invalid') }]}>
          <Input inputMode="numeric" autoComplete="username" maxLength={12} size="large" className="number" />
        </Form.Item>
        <Form.Item name="phone" label={t('eid.phone')} extra={t('eid.activate.phoneHint')} rules={[{ required: true, whitespace: true, message: t('eid.phone.required') }]}>
          <Input type="tel" inputMode="tel" autoComplete="tel" maxLength={20} size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" block loading={busy}>
          {t('eid.activate.send')}
        </Button>
      </Form>
      <p className="eid-aside">
        {t('eid.activate.noAccount')} <Link href="/eid/apply">{t('eid.nav.apply')}</Link>
      </p>
    </>
  );
}

/** Seconds left until `until` (ms since the epoch), ticking once a second. */
function useCountdown(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (now >= until) return;
    const timer = window.setTimeout(() => setNow(Date.now()), 1000);
    return () => window.clearTimeout(timer);
  }, [now, until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** "Send again in 42 s", or in minutes past 90 seconds (the hourly limit: "in 58 min"). */
function resendLabel(t: ReturnType<typeof useI18n>['t'], wait: number): string {
  if (wait <= 0) return t('eid.activate.resend');
  return wait <= 90 ? t('eid.activate.resendIn', { s: wait }) : t('eid.activate.resendInMinutes', { m: Math.ceil(wait / 60) });
}

function ConfirmForm({ activation, restored, onChange, onBack, onDone }: { activation: Activation; restored: boolean; onChange: (a: Activation) => void; onBack: () => void; onDone: (r: ActivationResultDto) => void }) {
  const { t, lang } = useI18n();
  const { who, sent, sentAt, resendAt, resent } = activation;
  const [form] = Form.useForm<ConfirmValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const wait = useCountdown(resendAt);
  const expiresAt = sentAt + sent.expiresInSeconds * 1000;
  const expired = useCountdown(expiresAt) === 0;
  const hasPassword = Form.useWatch('hasPassword', form) ?? false;
  const password = Form.useWatch('password', form) ?? '';
  const map: FieldMap = {
    fields: { code: { name: 'code', label: t('eid.code') }, password: { name: 'password', label: t('eid.password') }, passcode: { name: 'passcode', label: t('eid.passcode') } },
    codes: {
      EID_CODE_INVALID: 'code',
      EID_CODE_EXPIRED: 'code',
      EID_CODE_USED: 'code',
      EID_CODE_ATTEMPTS_EXCEEDED: 'code',
      EID_PASSWORD_WEAK: 'password',
      EID_PASSCODE_WEAK: 'passcode',
    },
  };

  const resend = async () => {
    setError(undefined);
    try {
      const answer = await requestActivationCode(who, { lang });
      const now = Date.now();
      onChange({ who, sent: answer, sentAt: now, resendAt: now + answer.resendAfterSeconds * 1000, resent: true });
      form.setFields([{ name: 'code', value: '', errors: [] }]);
    } catch (err) {
      // Refused by a limit: the button waits as long as the server said; the code sent before stays.
      if (err instanceof ApiError && err.problem.code === 'RATE_LIMITED' && err.retryAfter) onChange({ ...activation, resendAt: Date.now() + err.retryAfter * 1000 });
      setError(err);
    }
  };

  const submit = async (v: ConfirmValues) => {
    setBusy(true);
    setError(undefined);
    try {
      const secrets = v.hasPassword ? {} : { password: v.password!, passcode: v.passcode! };
      onDone(await confirmActivation({ ...who, code: v.code.trim(), ...secrets }, { lang }));
    } catch (err) {
      // The account has no password yet: ask for one.
      if (err instanceof ApiError && err.problem.code === 'EID_PASSWORD_REQUIRED') form.setFieldValue('hasPassword', false);
      setError(placeProblem(form, err, map));
      setBusy(false);
    }
  };

  return (
    <>
      {expired ? (
        <Alert type="warning" showIcon className="eid-sent" title={t('eid.activate.expired', { phone: sent.phoneMasked, time: formatTime(expiresAt) })} />
      ) : restored ? (
        <Alert type="info" showIcon className="eid-sent" title={t('eid.activate.restored', { phone: sent.phoneMasked, sent: formatTime(sentAt), until: formatTime(expiresAt) })} />
      ) : (
        <Alert type="info" showIcon className="eid-sent" title={t(resent ? 'eid.activate.resent' : 'eid.activate.sent', { phone: sent.phoneMasked, minutes: Math.round(sent.expiresInSeconds / 60) })} />
      )}
      <FormProblem error={error} />
      <Form<ConfirmValues> form={form} layout="vertical" name="eid-activate-confirm" onFinish={submit} disabled={busy} requiredMark={false} scrollToFirstError={{ block: 'center', focus: true }} className="eid-form">
        <Form.Item name="code" label={t('eid.code')} rules={[{ required: true, message: t('eid.code.required') }, { pattern: SIX_DIGITS, message: t('eid.code.invalid') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" className="number eid-code" />
        </Form.Item>
        <div className="eid-resend">
          <Button onClick={() => void resend()} disabled={wait > 0 || busy}>
            {resendLabel(t, wait)}
          </Button>
          <Button type="link" onClick={onBack}>
            {t('eid.activate.change')}
          </Button>
        </div>
        <Form.Item name="hasPassword" valuePropName="checked">
          <Checkbox>{t('eid.activate.hasPassword')}</Checkbox>
        </Form.Item>
        {!hasPassword && (
          <>
            <Form.Item
              name="password"
              label={t('eid.password.new')}
              extra={<PasswordRules password={password} />}
              rules={[
                { required: true, message: t('eid.password.required') },
                { validator: async (_, v?: string) => { if (v && ([...v].length < PASSWORD_MIN || [...v].length > PASSWORD_MAX)) throw new Error(t('eid.password.length')); } },
              ]}
            >
              <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX} size="large" />
            </Form.Item>
            <Form.Item
              name="password2"
              label={t('eid.password.again')}
              dependencies={['password']}
              rules={[
                { required: true, message: t('eid.password.againRequired') },
                ({ getFieldValue }) => ({ validator: async (_, v?: string) => { if (v && v !== getFieldValue('password')) throw new Error(t('eid.password.mismatch')); } }),
              ]}
            >
              <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX} size="large" />
            </Form.Item>
            <Form.Item
              name="passcode"
              label={t('eid.passcode')}
              extra={t('eid.passcode.rules')}
              rules={[
                { required: true, message: t('eid.passcode.required') },
                { validator: async (_, v?: string) => { if (v && (!SIX_DIGITS.test(v) || weakPasscode(v))) throw new Error(t('eid.passcode.invalid')); } },
              ]}
            >
              <Input.Password inputMode="numeric" autoComplete="off" maxLength={6} size="large" className="number" />
            </Form.Item>
          </>
        )}
        <Button type="primary" htmlType="submit" size="large" block loading={busy}>
          {t('eid.activate.submit')}
        </Button>
      </Form>
    </>
  );
}

/** NIST SP 800-63B §5.1.1.2 as the citizen reads it; the length rule shows when it is met. */
function PasswordRules({ password }: { password: string }) {
  const { t } = useI18n();
  const long = [...password].length >= PASSWORD_MIN;
  return (
    <div className="eid-rules">
      <p>{t('eid.password.rulesTitle')}</p>
      <ul>
        <li className={long ? 'met' : undefined}>
          {long && <span className="visually-hidden">{t('eid.password.met')} </span>}
          {t('eid.password.ruleLength', { min: PASSWORD_MIN, max: PASSWORD_MAX })}
        </li>
        <li>{t('eid.password.ruleCommon')}</li>
        <li>{t('eid.password.ruleFree')}</li>
      </ul>
    </div>
  );
}
