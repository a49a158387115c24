/**
 * A level-2 e-ID application taken in person by police (`/eid/collect`, permission `eid.collect`;
 * the level-2 procedure at commune police, Decree 69/2024/NĐ-CP): the identification number,
 * phone and e-mail, a portrait photo (camera or file) and fingerprint records (ISO/IEC 19794-2 FMR
 * or 19794-4 FIR files from the scanner, one per finger position) — both go to the server's
 * `BiometricCapture` and are stored encrypted, never shown again — the citizen's consent, and the
 * collection point: the commune police office or a collection campaign at a commune hall (the
 * campaigns of the desk module are offered to officers who manage them).
 */
import { useState } from 'react';
import { Button, Card, Checkbox, Form, Input, Radio, Result, Select } from 'antd';
import { FilePicker } from '../../components/FilePicker.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { useI18n } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { listCampaigns } from '../desk/api.js';
import { applyInPerson, type ApplicationDto } from './api.js';
import { AppStatusTag, FINGER_POSITIONS, fingerLabel, FormProblem, PageHead, PhotoPicker, PIN, placeProblem, type FieldMap, type Photo } from './common.js';

interface Finger {
  position?: number;
  file?: File;
}

interface Values {
  pin: string;
  phone: string;
  email?: string;
  portrait?: Photo;
  fingers: Finger[];
  kind: 'police_office' | 'campaign';
  unitCode: string;
  campaignId?: string;
  consent?: boolean;
}

/** Fingerprint records are small; a 500 ppi finger image fits in 512 KiB (the server's limit). */
const FINGER_MAX_BYTES = 512 * 1024;

export function CollectPage() {
  return (
    <RequireStaff permission="eid.collect">
      <Collect />
    </RequireStaff>
  );
}

function Collect() {
  const { t, lang } = useI18n();
  const session = useSession();
  const staff = session.staff!;
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<ApplicationDto>();
  const manageCampaigns = session.can('desk.manage');
  const campaigns = useRemote(manageCampaigns && kind === 'campaign' ? 'campaigns' : null, (signal) => listCampaigns({ lang, signal }));
  const ownCommune = staff.unitCode && /^\d{5}$/.test(staff.unitCode) ? staff.unitCode : undefined;

  const map: FieldMap = {
    fields: {
      pin: { name: 'pin', label: t('eid.pin') },
      phone: { name: 'phone', label: t('eid.phone') },
      email: { name: 'email', label: t('eid.email') },
      consent: { name: 'consent', label: t('eid.collect.consent.label') },
      'collectionPoint.unitCode': { name: 'unitCode', label: t('eid.collect.unit') },
      'collectionPoint.campaignId': { name: 'campaignId', label: t('eid.collect.campaign') },
    },
    codes: {
      EID_PHONE_INVALID: 'phone',
      EID_PHONE_TAKEN: 'phone',
      EID_EMAIL_INVALID: 'email',
      EID_CONSENT_REQUIRED: 'consent',
      EID_COLLECTION_POINT_INVALID: 'collectionPoint.unitCode',
      EID_COLLECTION_POINT_OUT_OF_SCOPE: 'collectionPoint.unitCode',
    },
  };

  const submit = async (v: Values) => {
    setBusy(true);
    setError(undefined);
    try {
      const fingers = v.fingers.filter((f): f is Required<Finger> => f.position !== undefined && f.file !== undefined);
      const created = await applyInPerson(
        {
          pin: v.pin.trim(),
          phone: v.phone.trim(),
          email: v.email?.trim() || null,
          consent: v.consent === true,
          collectionPoint: { kind: v.kind, unitCode: v.unitCode.trim(), ...(v.kind === 'campaign' ? { campaignId: v.campaignId?.trim() } : {}) },
        },
        v.portrait!.blob,
        fingers.map((f) => ({ position: f.position, file: f.file })),
        { lang },
      );
      setDone(created);
      window.scrollTo(0, 0);
    } catch (err) {
      setError(placeProblem(form, err, map));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Card>
        <Result
          status="success"
          title={<h1 className="result-title">{t('eid.collect.doneTitle', { id: done.id })}</h1>}
          subTitle={
            <>
              {done.fullName} · <span className="number">{done.pinMasked}</span> · <AppStatusTag status={done.status} />
              <div>{t('eid.collect.doneText', { n: done.biometrics.fingerprints })}</div>
            </>
          }
          extra={[
            session.can('eid.decide') ? (
              <Link key="open" href={`/eid/applications/${done.id}`}>
                {t('eid.collect.open')}
              </Link>
            ) : null,
            <Button
              key="again"
              type="primary"
              onClick={() => {
                form.resetFields();
                setDone(undefined);
              }}
            >
              {t('eid.collect.another')}
            </Button>,
          ]}
        />
      </Card>
    );
  }

  return (
    <>
      <PageHead title="eid.collect.title" intro={t('eid.collect.intro')} />
      <Card className="eid-collect">
        <FormProblem error={error} />
        <Form<Values>
          form={form}
          layout="vertical"
          name="eid-collect"
          onFinish={submit}
          disabled={busy}
          requiredMark={false}
          scrollToFirstError={{ block: 'center', focus: true }}
          initialValues={{ kind: 'police_office', unitCode: ownCommune ?? '', fingers: [{ position: 2 }, { position: 7 }] }}
          className="eid-form"
        >
          <div className="eid-columns">
            <div>
              <Form.Item name="pin" label={t('eid.pin')} rules={[{ required: true, message: t('eid.pin.required') }, { pattern: PIN, message: t('eid.pin.invalid') }]}>
                <Input inputMode="numeric" autoComplete="off" maxLength={12} className="number" />
              </Form.Item>
              <Form.Item name="phone" label={t('eid.phone')} rules={[{ required: true, whitespace: true, message: t('eid.phone.required') }]}>
                <Input type="tel" inputMode="tel" autoComplete="off" maxLength={20} />
              </Form.Item>
              <Form.Item name="email" label={t('eid.email.optional')} rules={[{ type: 'email', message: t('eid.email.invalid') }]}>
                <Input type="email" inputMode="email" autoComplete="off" maxLength={254} />
              </Form.Item>
              <Form.Item name="portrait" label={t('eid.collect.portrait')} extra={t('eid.collect.portraitHint')} rules={[{ required: true, message: t('eid.collect.portraitRequired') }]} valuePropName="photo">
                <PortraitField />
              </Form.Item>
            </div>
            <fieldset className="eid-fingers">
              <legend>{t('eid.collect.fingers')}</legend>
              <p className="muted eid-hint">{t('eid.collect.fingersHint')}</p>
              <Form.List
                name="fingers"
                rules={[
                  {
                    validator: async (_, fingers: Finger[]) => {
                      const filled = (fingers ?? []).filter((f) => f?.file);
                      if (filled.length === 0) throw new Error(t('eid.collect.fingersRequired'));
                      const positions = filled.map((f) => f.position);
                      if (new Set(positions).size !== positions.length) throw new Error(t('eid.collect.fingersDuplicate'));
                    },
                  },
                ]}
              >
                {(fields, { add, remove }, { errors }) => (
                  <>
                    {fields.map((field, i) => (
                      <div key={field.key} className="eid-finger">
                        <Form.Item name={[field.name, 'position']} label={t('eid.collect.finger', { n: i + 1 })} rules={[{ required: true, message: t('eid.collect.positionRequired') }]}>
                          <Select options={FINGER_POSITIONS.map((p) => ({ value: p, label: fingerLabel(t, p) }))} />
                        </Form.Item>
                        <Form.Item
                          name={[field.name, 'file']}
                          label={t('eid.collect.fingerFile')}
                          valuePropName="file"
                          rules={[{ validator: async (_, f?: File) => { if (f && f.size > FINGER_MAX_BYTES) throw new Error(t('eid.collect.fingerTooLarge')); } }]}
                        >
                          <FingerFile />
                        </Form.Item>
                        {fields.length > 1 && (
                          <Button className="eid-finger-remove" onClick={() => remove(field.name)} aria-label={t('eid.collect.removeFinger', { n: i + 1 })}>
                            {t('eid.collect.remove')}
                          </Button>
                        )}
                      </div>
                    ))}
                    {fields.length < FINGER_POSITIONS.length && (
                      <Button onClick={() => add({})} className="eid-add-finger">
                        {t('eid.collect.addFinger')}
                      </Button>
                    )}
                    <Form.ErrorList errors={errors} />
                  </>
                )}
              </Form.List>
            </fieldset>
          </div>
          <fieldset className="eid-point">
            <legend>{t('eid.collect.point')}</legend>
            <Form.Item name="kind" label={t('eid.collect.pointKind')}>
              <Radio.Group
                options={[
                  { value: 'police_office', label: t('eid.collect.point.office') },
                  { value: 'campaign', label: t('eid.collect.point.campaign') },
                ]}
              />
            </Form.Item>
            <div className="eid-point-row">
              <Form.Item name="unitCode" label={t('eid.collect.unit')} extra={t('eid.collect.unitHint')} rules={[{ required: true, message: t('eid.collect.unitRequired') }, { pattern: /^\d{5}$/, message: t('eid.collect.unitInvalid') }]}>
                <Input inputMode="numeric" maxLength={5} autoComplete="off" className="number" />
              </Form.Item>
              {kind === 'campaign' && (
                <Form.Item name="campaignId" label={t('eid.collect.campaign')} rules={[{ required: true, whitespace: true, message: t('eid.collect.campaignRequired') }]}>
                  {manageCampaigns ? (
                    <Select
                      loading={campaigns.loading}
                      notFoundContent={campaigns.error !== undefined ? t('eid.collect.campaignsFailed') : t('eid.collect.noCampaigns')}
                      options={(campaigns.data?.items ?? [])
                        .filter((c) => c.status !== 'cancelled')
                        .map((c) => ({ value: c.id, label: `${c.day.split('-').reverse().join('/')} · ${c.title} · ${c.siteName}` }))}
                      onChange={(id: string) => {
                        const c = campaigns.data?.items.find((x) => x.id === id);
                        if (c) form.setFieldValue('unitCode', c.unitCode);
                      }}
                    />
                  ) : (
                    <Input maxLength={64} autoComplete="off" />
                  )}
                </Form.Item>
              )}
            </div>
          </fieldset>
          <Form.Item
            name="consent"
            valuePropName="checked"
            rules={[{ validator: async (_, v?: boolean) => { if (!v) throw new Error(t('eid.collect.consentRequired')); } }]}
          >
            <Checkbox>{t('eid.collect.consent')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" loading={busy}>
            {t('eid.collect.submit')}
          </Button>
        </Form>
      </Card>
    </>
  );
}

function PortraitField({ id = 'eid-collect_portrait', photo, onChange }: { id?: string; photo?: Photo; onChange?: (p: Photo | undefined) => void }) {
  const { t } = useI18n();
  const { status } = Form.Item.useStatus();
  return <PhotoPicker id={id} photo={photo} capture="environment" label={photo ? t('eid.collect.portraitAgain') : t('eid.collect.portraitTake')} error={status === 'error'} onChange={(p) => onChange?.(p)} />;
}

function FingerFile({ id = 'eid-finger', file, onChange }: { id?: string; file?: File; onChange?: (f: File | undefined) => void }) {
  const { status } = Form.Item.useStatus();
  return <FilePicker id={id} file={file} accept=".fmr,.fir,.iso,.bin,.ist,application/octet-stream" error={status === 'error' ? 'error' : undefined} onChange={(f) => onChange?.(f)} />;
}
