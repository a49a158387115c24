/**
 * Police management of e-ID accounts (`/eid/accounts?pin=`, permission `eid.manage`): find a
 * person's account by identification number within the officer's unit (the read is audited), see
 * its level, status, lock and history of changes, and lock, unlock, revoke it or change its phone
 * number (the account then awaits activation again on the new phone). What cannot be done in the
 * account's state is not offered; the server still refuses it (409 EID_ACCOUNT_STATE).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, Radio } from 'antd';
import { RequireStaff } from '../../components/RequireStaff.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { UnitName } from '../../components/UnitName.js';
import { useI18n, type MessageKey } from '../../i18n.js';
import { hrefOf, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { accountAction, changePhone, findAccount, type AccountDetailDto } from './api.js';
import { AccountStatusTag, formatMoment, LevelTag, LOCK_REASONS, lockReasonLabel, PageHead, PIN, placeProblem, usageLabel, type LockReason } from './common.js';

type Action = 'lock' | 'unlock' | 'revoke' | 'phone';

export function AccountsPage() {
  return (
    <RequireStaff permission="eid.manage">
      <Accounts />
    </RequireStaff>
  );
}

function Accounts() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const pin = PIN.test(search.get('pin') ?? '') ? search.get('pin')! : undefined;
  const [fresh, setFresh] = useState<AccountDetailDto>();
  const remote = useRemote(pin ? `eid-account:${pin}` : null, (signal) => findAccount(pin!, { lang, signal }));
  useEffect(() => setFresh(undefined), [pin]);
  const account = fresh ?? remote.data;

  return (
    <>
      <PageHead title="eid.accounts.title" intro={t('eid.accounts.intro')} />
      <Search pin={pin} />
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {account && (
        <div className="eid-detail">
          <Card className="eid-card" title={<h2 className="card-heading">{account.fullName}</h2>} extra={<AccountStatusTag status={account.status} />}>
            <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" className="eid-descriptions">
              <Descriptions.Item label={t('eid.pin')}>
                <span className="number">{account.pinMasked}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('eid.level')}>
                <LevelTag level={account.level} />
                {account.pendingLevel !== null && <span className="muted">{t('eid.account.pendingLevel', { level: account.pendingLevel })}</span>}
              </Descriptions.Item>
              <Descriptions.Item label={t('eid.phone')}>
                <span className="number">{account.phoneMasked ?? '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('eid.email')}>{account.emailMasked ?? '—'}</Descriptions.Item>
              {account.lockReason && (
                <Descriptions.Item label={t('eid.accounts.lockReason')}>
                  {lockReasonLabel(t, account.lockReason)} · {formatMoment(account.lockedAt, lang)}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('eid.account.activatedAt')}>{formatMoment(account.activatedAt, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('eid.app.unit')}>
                <UnitName code={account.unit.code} at={account.unit.date} />
              </Descriptions.Item>
              <Descriptions.Item label={t('eid.account.twoFactor')}>{account.totpEnabled ? t('eid.account.twoFactorOn') : t('eid.account.twoFactorOff')}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Actions account={account} onChanged={setFresh} />
          <Card className="eid-card" title={<h2 className="card-heading">{t('eid.accounts.events')}</h2>}>
            <ol className="eid-timeline">
              {account.events.map((e, i) => (
                <li key={`${e.at}:${i}`}>
                  <strong>{usageLabel(t, e.action)}</strong>
                  <div className="muted">
                    {formatMoment(e.at, lang)} · {e.actor.kind === 'staff' ? e.actor.id : t(`eid.actor.${e.actor.kind === 'citizen' ? 'citizen' : 'system'}`)}
                  </div>
                  {(e.reason || e.detail) && <div className="muted">{[e.reason && ((LOCK_REASONS as readonly string[]).includes(e.reason) ? lockReasonLabel(t, e.reason as LockReason) : e.reason), e.detail].filter(Boolean).join(' — ')}</div>}
                </li>
              ))}
            </ol>
          </Card>
        </div>
      )}
    </>
  );
}

function Search({ pin }: { pin: string | undefined }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ pin: string }>();
  useEffect(() => form.setFieldsValue({ pin: pin ?? '' }), [form, pin]);
  return (
    <Form form={form} layout="vertical" className="filters eid-filters" role="search" name="eid-account-search" requiredMark={false} onFinish={(v) => navigate(hrefOf('/eid/accounts', { pin: v.pin.trim() }))}>
      <Form.Item name="pin" label={t('eid.pin')} className="eid-filter-pin" rules={[{ required: true, message: t('eid.pin.required') }, { pattern: PIN, message: t('eid.pin.invalid') }]}>
        <Input inputMode="numeric" maxLength={12} autoComplete="off" className="number" />
      </Form.Item>
      <Form.Item className="field-submit" label={<span aria-hidden="true">&nbsp;</span>} colon={false}>
        <Button type="primary" htmlType="submit">
          {t('eid.accounts.find')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** What can be done to an account in its state (src/identity/eid/accounts.ts). */
function actionsFor(a: AccountDetailDto): Action[] {
  if (a.status === 'revoked') return [];
  const out: Action[] = [];
  if (a.status === 'active') out.push('lock');
  if (a.status === 'locked') out.push('unlock');
  if (a.guardianAccountId === null && (a.status === 'active' || a.status === 'activation_pending' || (a.status === 'locked' && a.lockReason === 'citizen_request'))) out.push('phone');
  out.push('revoke');
  return out;
}

const ACTION_LABEL: Record<Action, MessageKey> = { lock: 'eid.accounts.lock', unlock: 'eid.accounts.unlock', revoke: 'eid.accounts.revoke', phone: 'eid.accounts.phone' };
const ACTION_DONE: Record<Action, MessageKey> = { lock: 'eid.accounts.locked', unlock: 'eid.accounts.unlocked', revoke: 'eid.accounts.revoked', phone: 'eid.accounts.phoneChanged' };

function Actions({ account, onChanged }: { account: AccountDetailDto; onChanged: (a: AccountDetailDto) => void }) {
  const { t, lang } = useI18n();
  const available = actionsFor(account);
  const [form] = Form.useForm<{ action: Action; phone?: string; note?: string; sure?: boolean }>();
  const action = Form.useWatch('action', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<Action>();
  useEffect(() => form.setFieldsValue({ action: available[0] }), [form, account.status]); // eslint-disable-line react-hooks/exhaustive-deps

  if (available.length === 0) return <Alert type="info" showIcon title={t('eid.accounts.nothing')} />;

  const submit = async (v: { action: Action; phone?: string; note?: string }) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    const note = v.note?.trim() || undefined;
    try {
      const changed = v.action === 'phone' ? await changePhone(account.id, v.phone!.trim(), note, { lang }) : await accountAction(account.id, v.action, note, { lang });
      onChanged(changed);
      setDone(v.action);
      form.setFieldsValue({ phone: '', note: '', sure: false });
    } catch (err) {
      setError(placeProblem(form, err, { fields: { phone: { name: 'phone', label: t('eid.accounts.newPhone') }, note: { name: 'note', label: t('eid.decision.note') } }, codes: { EID_PHONE_INVALID: 'phone', EID_PHONE_TAKEN: 'phone' } }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="eid-card" title={<h2 className="card-heading">{t('eid.accounts.actions')}</h2>}>
      {done && <Alert type="success" showIcon title={t(ACTION_DONE[done])} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <Form form={form} layout="vertical" name="eid-account-action" onFinish={submit} disabled={busy} requiredMark={false}>
        <Form.Item name="action" label={t('eid.accounts.action')}>
          <Radio.Group optionType="button" options={available.map((a) => ({ value: a, label: t(ACTION_LABEL[a]) }))} />
        </Form.Item>
        {action === 'phone' && (
          <Form.Item name="phone" label={t('eid.accounts.newPhone')} extra={t('eid.accounts.phoneHint')} rules={[{ required: true, whitespace: true, message: t('eid.phone.required') }]}>
            <Input type="tel" inputMode="tel" maxLength={20} autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item name="note" label={t('eid.decision.note')}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
        {action === 'revoke' && (
          <Form.Item name="sure" valuePropName="checked" rules={[{ validator: async (_, v?: boolean) => { if (!v) throw new Error(t('eid.accounts.revokeSureRequired')); } }]}>
            <Checkbox>{t('eid.accounts.revokeSure')}</Checkbox>
          </Form.Item>
        )}
        <Button type="primary" danger={action === 'revoke' || action === 'lock'} htmlType="submit" loading={busy}>
          {action ? t(ACTION_LABEL[action]) : t('eid.accounts.apply')}
        </Button>
      </Form>
    </Card>
  );
}
