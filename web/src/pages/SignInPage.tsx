/**
 * Staff sign-in (`/sign-in?next=`): username and password; a wrong combination shows the server's
 * STAFF_CREDENTIALS_INVALID message. Afterwards the officer goes back where they were sent from.
 */
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { useI18n } from '../i18n.js';
import { Link, navigate, safeNext, useLocation } from '../router.js';
import { useSession } from '../session.js';

interface FormValues {
  username: string;
  password: string;
}

export function SignInPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(search.get('next'), '');
  const expired = session.state.status === 'anonymous' && session.state.expired;

  const submit = async ({ username, password }: FormValues) => {
    setBusy(true);
    setError(undefined);
    try {
      const me = await session.signIn(username, password);
      navigate(next || (me.permissions.includes('citizen.read') ? '/citizens' : '/units'));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="narrow-page">
      <Card className="sign-in-card">
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
            <Form<FormValues> layout="vertical" onFinish={submit} requiredMark={false} name="sign-in" disabled={busy}>
              <Form.Item name="username" label={t('signIn.username')} rules={[{ required: true, whitespace: true, message: t('signIn.usernameRequired') }]}>
                <Input autoComplete="username" autoCapitalize="none" spellCheck={false} maxLength={64} size="large" />
              </Form.Item>
              <Form.Item name="password" label={t('signIn.password')} rules={[{ required: true, message: t('signIn.passwordRequired') }]}>
                <Input.Password autoComplete="current-password" maxLength={128} size="large" />
              </Form.Item>
              <Button type="primary" htmlType="submit" size="large" block loading={busy}>
                {t('signIn.submit')}
              </Button>
            </Form>
          </>
        )}
      </Card>
    </div>
  );
}
