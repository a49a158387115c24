/**
 * The registry of connected portals (`/sso/portals`, administrators with `sso.manage`): the
 * public-service portals that sign citizens in through motcua's OpenID Connect provider, as the
 * registry holds them (src/sso/clients.ts) — name, client id, sector, required level, status — a
 * form to register one or change it (every field of `POST /api/v1/sso/clients`; the server's
 * problems are put on the fields they concern), disconnecting and reconnecting a portal, and a new
 * client secret. A client secret (at registration, or a new one) is shown once, in a dialog with a
 * copy button and a warning that it will not be shown again; it is kept nowhere in the page after.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Collapse, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography, type FormInstance, type TableColumnsType } from 'antd';
import { fieldLabels, PORTAL_SCOPES, type PortalScope } from '../../../../src/sso/scopes.js';
import { ApiError } from '../../api.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { useI18n, type MessageKey } from '../../i18n.js';
import { useMediaQuery, WIDE } from '../../useMediaQuery.js';
import { useRemote } from '../../useRemote.js';
import { createClient, listClients, newClientSecret, updateClient, type Client, type ClientChange, type ClientCreate } from './api.js';
import './sso.css';

export function PortalsPage() {
  const { t } = useI18n();
  return (
    <RequireStaff permission="sso.manage">
      <Typography.Title level={1} className="page-title">
        {t('sso.portals.title')}
      </Typography.Title>
      <Typography.Paragraph className="page-intro">{t('sso.portals.intro')}</Typography.Paragraph>
      <Portals />
    </RequireStaff>
  );
}

const PAGE_SIZE = 50;

/** A secret to show once: whose, and the secret itself. */
interface ShownSecret {
  clientId: string;
  name: string;
  secret: string;
}

type Editing = { mode: 'create' } | { mode: 'edit'; client: Client };

function Portals() {
  const { t, lang } = useI18n();
  const wide = useMediaQuery(WIDE);
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<Editing>();
  const [secret, setSecret] = useState<ShownSecret>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const list = useRemote(`sso-clients:${page}:${version}:${lang}`, (signal) => listClients({ page, pageSize: PAGE_SIZE }, { lang, signal }));
  const reload = () => setVersion((n) => n + 1);

  const act = async (work: () => Promise<string | undefined>) => {
    setActionError(undefined);
    setNotice(undefined);
    try {
      setNotice(await work());
    } catch (err) {
      setActionError(err);
    }
  };

  const setStatus = (c: Client, status: 'active' | 'disabled') =>
    act(async () => {
      const r = await updateClient(c.id, { status }, { lang });
      reload();
      return status === 'disabled' ? t('sso.disabled.done', { name: r.client.name, count: r.revokedArtifacts }) : t('sso.enabled.done', { name: r.client.name });
    });

  const renewSecret = (c: Client) =>
    act(async () => {
      const r = await newClientSecret(c.id, { lang });
      setSecret({ clientId: r.clientId, name: c.name, secret: r.clientSecret });
      return undefined;
    });

  const actions = (c: Client) => (
    <Space wrap size={[6, 6]} className="sso-actions">
      <Button size="small" onClick={() => setEditing({ mode: 'edit', client: c })} aria-label={t('sso.editOf', { name: c.name })}>
        {t('sso.edit')}
      </Button>
      {c.authMethod === 'client_secret_basic' && c.status === 'active' && (
        <Popconfirm title={t('sso.newSecret.confirm', { name: c.name })} okText={t('sso.newSecret')} cancelText={t('sso.no')} onConfirm={() => renewSecret(c)}>
          <Button size="small" aria-label={t('sso.newSecretOf', { name: c.name })}>
            {t('sso.newSecret')}
          </Button>
        </Popconfirm>
      )}
      {c.status === 'active' ? (
        <Popconfirm title={t('sso.disable.confirm', { name: c.name })} okText={t('sso.disable')} okButtonProps={{ danger: true }} cancelText={t('sso.no')} onConfirm={() => setStatus(c, 'disabled')}>
          <Button size="small" danger aria-label={t('sso.disableOf', { name: c.name })}>
            {t('sso.disable')}
          </Button>
        </Popconfirm>
      ) : (
        <Button size="small" onClick={() => void setStatus(c, 'active')} aria-label={t('sso.enableOf', { name: c.name })}>
          {t('sso.enable')}
        </Button>
      )}
    </Space>
  );

  const columns: TableColumnsType<Client> = [
    {
      key: 'name',
      title: t('sso.col.name'),
      render: (_, c) => (
        <div className="sso-name-cell">
          <strong className="sso-name">{c.name}</strong>
          {/* On a phone the columns that do not fit are said under the name. */}
          {!wide && (
            <div className="muted sso-under">
              <code>{c.id}</code> · {t('sso.levelN', { level: c.requiredLevel })}
            </div>
          )}
          {!wide && <div className="sso-under">{actions(c)}</div>}
        </div>
      ),
    },
    { key: 'id', title: t('sso.col.id'), render: (_, c) => <code className="sso-code">{c.id}</code>, responsive: ['md'] },
    { key: 'sector', title: t('sso.col.sector'), render: (_, c) => <span className="sso-code">{c.sector}</span>, responsive: ['lg'] },
    { key: 'level', title: t('sso.col.level'), render: (_, c) => <LevelTag level={c.requiredLevel} />, responsive: ['md'] },
    { key: 'status', title: t('sso.col.status'), render: (_, c) => <StatusTag status={c.status} /> },
    ...(wide ? [{ key: 'actions', title: t('sso.col.actions'), render: (_: unknown, c: Client) => actions(c) }] : []),
  ];

  return (
    <>
      <div role="status">{notice && <Alert type="success" showIcon title={notice} closable={{ onClose: () => setNotice(undefined) }} />}</div>
      {actionError !== undefined && <ProblemAlert error={actionError} />}
      {list.error !== undefined && <ProblemAlert error={list.error} onRetry={list.retry} />}
      <div className="sso-toolbar">
        <Button type="primary" onClick={() => setEditing({ mode: 'create' })}>
          {t('sso.portals.add')}
        </Button>
      </div>
      <Table<Client>
        className="unit-table sso-table"
        caption={t('sso.portals.caption', { total: list.data?.total ?? 0 })}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={(list.data?.total ?? 0) > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total: list.data?.total, onChange: setPage, showSizeChanger: false } : false}
        locale={{ emptyText: list.loading ? ' ' : <p className="empty">{t('sso.portals.empty')}</p> }}
      />
      <ClientForm
        editing={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(client, clientSecret, created) => {
          setEditing(undefined);
          reload();
          setActionError(undefined);
          setNotice(t(created ? 'sso.created' : 'sso.saved', { name: client.name }));
          if (clientSecret) setSecret({ clientId: client.id, name: client.name, secret: clientSecret });
        }}
      />
      <SecretDialog shown={secret} onClose={() => setSecret(undefined)} />
    </>
  );
}

export function LevelTag({ level }: { level: number }) {
  const { t } = useI18n();
  return <Tag className={`sso-tag sso-level-${level}`}>{t('sso.levelN', { level })}</Tag>;
}

function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return <Tag className={`sso-tag sso-status-${status}`}>{t(status === 'active' ? 'sso.status.active' : 'sso.status.disabled')}</Tag>;
}

// --- the form ------------------------------------------------------------------------------------------

interface FormValues {
  id: string;
  name: string;
  /** One URI a line. */
  redirectUris: string;
  postLogoutRedirectUris?: string;
  sector?: string;
  requiredLevel: 1 | 2;
  scopes: PortalScope[];
  purpose: string;
  purposeEn?: string;
  logoUri?: string;
  authMethod: 'client_secret_basic' | 'private_key_jwt';
  jwks?: string;
  idTokenAlg: 'ES256' | 'RS256';
}

type FieldName = keyof FormValues;

const LABELS: Record<FieldName, MessageKey> = {
  id: 'sso.form.id',
  name: 'sso.form.name',
  redirectUris: 'sso.form.redirectUris',
  postLogoutRedirectUris: 'sso.form.postLogout',
  sector: 'sso.form.sector',
  requiredLevel: 'sso.form.level',
  scopes: 'sso.form.scopes',
  purpose: 'sso.form.purpose',
  purposeEn: 'sso.form.purposeEn',
  logoUri: 'sso.form.logoUri',
  authMethod: 'sso.form.authMethod',
  jwks: 'sso.form.jwks',
  idTokenAlg: 'sso.form.idTokenAlg',
};

/** Problem codes of the registry that concern one field (src/sso/clients.ts). */
const FIELD_OF_CODE: Record<string, FieldName> = {
  SSO_CLIENT_EXISTS: 'id',
  SSO_SECTOR_INVALID: 'sector',
  SSO_LOGO_INVALID: 'logoUri',
  SSO_JWKS_REQUIRED: 'jwks',
  SSO_JWKS_INVALID: 'jwks',
};

/** The non-empty lines of a text box, trimmed. */
const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Puts an API error on the form: each field error of VALIDATION_FAILED (`body.redirectUris.0`) on
 * its field with the field's label in place of its path, and a registry code that concerns one
 * field (SSO_REDIRECT_URI_INVALID on the list holding the URI it names, SSO_SECTOR_INVALID…) on
 * that field. Answers what is left to show above the form (undefined when all of it was placed).
 */
function placeProblem(form: FormInstance<FormValues>, error: unknown, values: FormValues, label: (f: FieldName) => string): unknown {
  if (!(error instanceof ApiError)) return error;
  const p = error.problem;
  const known = (name: string): name is FieldName => name in LABELS;
  if (p.code === 'VALIDATION_FAILED' && p.errors?.length) {
    const placed = new Map<FieldName, string[]>();
    const unplaced: typeof p.errors = [];
    for (const e of p.errors) {
      const member = e.field.replace(/^body\./, '').split('.')[0] ?? '';
      if (!known(member)) {
        unplaced.push(e);
        continue;
      }
      placed.set(member, [...(placed.get(member) ?? []), e.detail.replace(`"${e.field}"`, `"${label(member)}"`)]);
    }
    form.setFields([...placed].map(([name, errors]) => ({ name, errors })));
    const first = placed.keys().next();
    if (!first.done) form.scrollToField(first.value, { block: 'center' });
    return unplaced.length === 0 ? undefined : new ApiError({ ...p, errors: unplaced });
  }
  let field: FieldName | undefined = FIELD_OF_CODE[p.code];
  if (p.code === 'SSO_REDIRECT_URI_INVALID') {
    const names = (uris: string[]) => uris.some((u) => p.detail.includes(`"${u.slice(0, 300)}"`));
    field = !names(lines(values.redirectUris)) && names(lines(values.postLogoutRedirectUris)) ? 'postLogoutRedirectUris' : 'redirectUris';
  }
  if (!field) return error;
  form.setFields([{ name: field, errors: [p.detail] }]);
  form.scrollToField(field, { block: 'center' });
  return undefined;
}

function initialValues(editing: Editing): Partial<FormValues> {
  if (editing.mode === 'create') return { requiredLevel: 1, scopes: ['profile'], authMethod: 'client_secret_basic', idTokenAlg: 'ES256' };
  const c = editing.client;
  return {
    id: c.id,
    name: c.name,
    redirectUris: c.redirectUris.join('\n'),
    postLogoutRedirectUris: c.postLogoutRedirectUris.join('\n'),
    sector: c.sector,
    requiredLevel: c.requiredLevel === 2 ? 2 : 1,
    scopes: c.scopes.filter((s): s is PortalScope => (PORTAL_SCOPES as readonly string[]).includes(s)),
    purpose: c.purpose,
    purposeEn: c.purposeEn ?? '',
    logoUri: c.logoUri ?? '',
    authMethod: c.authMethod === 'private_key_jwt' ? 'private_key_jwt' : 'client_secret_basic',
    jwks: c.jwks ? JSON.stringify(c.jwks, null, 2) : '',
    idTokenAlg: c.idTokenAlg === 'RS256' ? 'RS256' : 'ES256',
  };
}

/** The request body of the form's values (the fields both registration and a change take). */
function fieldsOf(v: FormValues): Omit<ClientCreate, 'id'> {
  const key = v.authMethod === 'private_key_jwt';
  return {
    name: v.name.trim(),
    redirectUris: lines(v.redirectUris),
    postLogoutRedirectUris: lines(v.postLogoutRedirectUris),
    ...(v.sector?.trim() ? { sector: v.sector.trim().toLowerCase() } : {}),
    requiredLevel: v.requiredLevel,
    scopes: v.scopes ?? [],
    purpose: v.purpose.trim(),
    purposeEn: v.purposeEn?.trim() || null,
    logoUri: v.logoUri?.trim() || null,
    authMethod: v.authMethod,
    jwks: key && v.jwks?.trim() ? (JSON.parse(v.jwks) as { keys: Record<string, unknown>[] }) : null,
    idTokenAlg: v.idTokenAlg,
  };
}

function ClientForm({ editing, onClose, onSaved }: { editing: Editing | undefined; onClose: () => void; onSaved: (client: Client, secret: string | null, created: boolean) => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const authMethod = Form.useWatch('authMethod', form);
  const label = (f: FieldName) => t(LABELS[f]);
  const creating = editing?.mode === 'create';

  const close = () => {
    setError(undefined);
    onClose();
  };

  const submit = async (v: FormValues) => {
    setBusy(true);
    setError(undefined);
    try {
      if (editing?.mode === 'edit') {
        const change: ClientChange = fieldsOf(v);
        const r = await updateClient(editing.client.id, change, { lang });
        onSaved(r.client, r.clientSecret, false);
      } else {
        const r = await createClient({ id: v.id.trim(), ...fieldsOf(v) }, { lang });
        onSaved(r.client, r.clientSecret, true);
      }
    } catch (err) {
      setError(placeProblem(form, err, v, label));
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, whitespace: true, message: t('sso.form.required') };
  const atMostTen = { validator: async (_: unknown, value: string | undefined) => (lines(value).length > 10 ? Promise.reject(new Error(t('sso.form.tooManyUris'))) : undefined) };
  const jsonKeys = {
    validator: async (_: unknown, value: string | undefined) => {
      if (!value?.trim()) return;
      try {
        const parsed = JSON.parse(value) as { keys?: unknown };
        if (Array.isArray(parsed.keys)) return;
      } catch {
        // said below
      }
      throw new Error(t('sso.form.jwksNotJson'));
    },
  };
  const title = editing?.mode === 'edit' ? t('sso.editOf', { name: editing.client.name }) : t('sso.form.add');

  return (
    <Modal
      title={title}
      open={editing !== undefined}
      onCancel={close}
      okButtonProps={{ htmlType: 'submit', form: 'sso-client-form' }}
      okText={creating ? t('sso.form.register') : t('sso.form.save')}
      cancelText={t('sso.form.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={720}
      className="sso-modal"
    >
      {error !== undefined && <ProblemAlert error={error} />}
      {editing && (
        <Form<FormValues> form={form} id="sso-client-form" name="sso-client" layout="vertical" initialValues={initialValues(editing)} onFinish={submit} disabled={busy} requiredMark="optional" className="sso-form">
          <Form.Item name="id" label={label('id')} extra={t('sso.form.idHint')} rules={[required]}>
            <Input maxLength={64} autoComplete="off" spellCheck={false} disabled={!creating} className="sso-code" />
          </Form.Item>
          <Form.Item name="name" label={label('name')} rules={[required]}>
            <Input maxLength={200} autoComplete="off" />
          </Form.Item>
          <Form.Item name="redirectUris" label={label('redirectUris')} extra={t('sso.form.redirectUrisHint')} rules={[required, atMostTen]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} spellCheck={false} className="sso-code" placeholder="https://dichvucong.haiduong.gov.vn/auth/callback" />
          </Form.Item>
          <Form.Item name="postLogoutRedirectUris" label={label('postLogoutRedirectUris')} extra={t('sso.form.postLogoutHint')} rules={[atMostTen]}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} spellCheck={false} className="sso-code" placeholder="https://dichvucong.haiduong.gov.vn/" />
          </Form.Item>
          <Form.Item name="sector" label={label('sector')} extra={t('sso.form.sectorHint')}>
            <Input maxLength={253} autoComplete="off" spellCheck={false} className="sso-code" />
          </Form.Item>
          <Form.Item name="requiredLevel" label={label('requiredLevel')} rules={[{ required: true, message: t('sso.form.required') }]}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 1, label: t('sso.form.level1') },
                { value: 2, label: t('sso.form.level2') },
              ]}
            />
          </Form.Item>
          <Form.Item name="scopes" label={label('scopes')} extra={t('sso.form.scopesHint')}>
            <Checkbox.Group className="sso-scopes">
              {PORTAL_SCOPES.map((s) => (
                <Checkbox key={s} value={s}>
                  <code className="sso-code">{s}</code>: {fieldLabels([s], lang).join('; ')}
                </Checkbox>
              ))}
            </Checkbox.Group>
          </Form.Item>
          <Form.Item name="purpose" label={label('purpose')} extra={t('sso.form.purposeHint')} rules={[required]}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />
          </Form.Item>
          <Form.Item name="purposeEn" label={label('purposeEn')}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 5 }} lang="en" />
          </Form.Item>
          <Form.Item name="logoUri" label={label('logoUri')} extra={t('sso.form.logoHint')}>
            <Input maxLength={2000} autoComplete="off" spellCheck={false} className="sso-code" placeholder="https://dichvucong.haiduong.gov.vn/logo.png" />
          </Form.Item>
          <Collapse
            className="sso-advanced"
            defaultActiveKey={editing.mode === 'edit' && editing.client.authMethod === 'private_key_jwt' ? ['auth'] : []}
            items={[
              {
                key: 'auth',
                label: t('sso.form.advanced'),
                forceRender: true,
                children: (
                  <>
                    <Form.Item name="authMethod" label={label('authMethod')}>
                      <Radio.Group className="sso-radios">
                        <Radio value="client_secret_basic">{t('sso.form.auth.secret')}</Radio>
                        <Radio value="private_key_jwt">{t('sso.form.auth.key')}</Radio>
                      </Radio.Group>
                    </Form.Item>
                    {authMethod === 'private_key_jwt' && (
                      <Form.Item name="jwks" label={label('jwks')} extra={t('sso.form.jwksHint')} rules={[{ required: true, whitespace: true, message: t('sso.form.required') }, jsonKeys]}>
                        <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} spellCheck={false} className="sso-code" />
                      </Form.Item>
                    )}
                    <Form.Item name="idTokenAlg" label={label('idTokenAlg')}>
                      <Select
                        options={[
                          { value: 'ES256', label: 'ES256 (ECDSA P-256)' },
                          { value: 'RS256', label: 'RS256 (RSA)' },
                        ]}
                      />
                    </Form.Item>
                  </>
                ),
              },
            ]}
          />
        </Form>
      )}
    </Modal>
  );
}

// --- the secret, shown once -----------------------------------------------------------------------------

function SecretDialog({ shown, onClose }: { shown: ShownSecret | undefined; onClose: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const close = () => {
    setCopied(undefined);
    onClose();
  };
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      // No clipboard (an insecure context, a denied permission): select it for copying by hand.
      const node = document.getElementById('sso-secret-value');
      if (node) window.getSelection()?.selectAllChildren(node);
      setCopied('failed');
    }
  };
  return (
    <Modal
      title={shown ? t('sso.secret.title', { name: shown.name }) : ''}
      open={shown !== undefined}
      closable={false}
      mask={{ closable: false }}
      onCancel={close}
      destroyOnHidden
      width={640}
      className="sso-modal"
      footer={
        <Button type="primary" onClick={close}>
          {t('sso.secret.close')}
        </Button>
      }
    >
      {shown && (
        <>
          <Alert type="warning" showIcon title={t('sso.secret.warning')} className="sso-secret-warning" />
          <dl className="sso-secret">
            <dt>{t('sso.secret.clientId')}</dt>
            <dd>
              <code className="sso-code">{shown.clientId}</code>
            </dd>
            <dt>{t('sso.secret.secret')}</dt>
            <dd>
              <code id="sso-secret-value" className="sso-code sso-secret-value">
                {shown.secret}
              </code>
              <div className="sso-copy">
                <Button onClick={() => void copy(shown.secret)}>{t('sso.secret.copy')}</Button>
                <span role="status" className="muted">
                  {copied === 'yes' ? t('sso.secret.copied') : copied === 'failed' ? t('sso.secret.copyFailed') : ''}
                </span>
              </div>
            </dd>
          </dl>
        </>
      )}
    </Modal>
  );
}
