/**
 * A citizen's level-1 e-ID application online (`/eid/apply`, Decree 69/2024/NĐ-CP Art. 10): the
 * identification number, full name, date of birth and sex as in the population registry, a mobile
 * phone, an optional e-mail and a face photo taken with the phone's front camera. Made for a small
 * phone: one column, large fields, numeric keyboards, the photo shrunk before upload. The server's
 * answers are placed on the fields they concern (format, phone taken, image type or size); an
 * identity mismatch or an eligibility refusal is said above the form.
 */
import { useState } from 'react';
import { Button, Card, Form, Input, Radio, Result } from 'antd';
import type { ApplicationDto } from './api.js';
import { applyOnline } from './api.js';
import { FormProblem, LinkButton, PageHead, PhotoPicker, PIN, placeProblem, type FieldMap, type Photo } from './common.js';
import { useI18n } from '../../i18n.js';
import { Link } from '../../router.js';
import { formatPartialDate } from '../../dates.js';

interface Values {
  pin: string;
  fullName: string;
  dobDay?: string;
  dobMonth?: string;
  dobYear: string;
  sex: 'male' | 'female';
  phone: string;
  email?: string;
  faceImage?: Photo;
}

/**
 * The date of birth as the registry holds it: `YYYY-MM-DD`, `YYYY-MM` (no day) or `YYYY` (neither),
 * or undefined when what was typed is not a date (a day without a month, 31/02…).
 */
export function dateOfBirthOf(day: string | undefined, month: string | undefined, year: string): string | undefined {
  const d = day?.trim() ?? '';
  const m = month?.trim() ?? '';
  const y = year.trim();
  if (!/^\d{4}$/.test(y)) return undefined;
  if (!m) return d ? undefined : y;
  if (!/^\d{1,2}$/.test(m) || Number(m) < 1 || Number(m) > 12) return undefined;
  const mm = m.padStart(2, '0');
  if (!d) return `${y}-${mm}`;
  if (!/^\d{1,2}$/.test(d)) return undefined;
  const iso = `${y}-${mm}-${d.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : undefined;
}

export function ApplyPage() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<ApplicationDto>();

  const map: FieldMap = {
    fields: {
      pin: { name: 'pin', label: t('eid.pin') },
      fullName: { name: 'fullName', label: t('eid.fullName') },
      dateOfBirth: { name: 'dobYear', label: t('eid.dob') },
      sex: { name: 'sex', label: t('eid.sex') },
      phone: { name: 'phone', label: t('eid.phone') },
      email: { name: 'email', label: t('eid.email') },
      faceImage: { name: 'faceImage', label: t('eid.face') },
    },
    codes: {
      EID_PHONE_INVALID: 'phone',
      EID_PHONE_TAKEN: 'phone',
      EID_EMAIL_INVALID: 'email',
      EID_IMAGE_TYPE: 'faceImage',
      EID_IMAGE_TOO_LARGE: 'faceImage',
      EID_IMAGE_EMPTY: 'faceImage',
      EID_IMAGE_ENCODING: 'faceImage',
      EID_FACE_NOT_MATCHED: 'faceImage',
    },
  };

  const submit = async (v: Values) => {
    const dateOfBirth = dateOfBirthOf(v.dobDay, v.dobMonth, v.dobYear)!;
    setBusy(true);
    setError(undefined);
    try {
      const created = await applyOnline(
        { pin: v.pin.trim(), fullName: v.fullName.trim(), dateOfBirth, sex: v.sex, phone: v.phone.trim(), email: v.email?.trim() || null, faceImage: v.faceImage!.dataUrl },
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
      <div className="eid-narrow">
        <Card>
          <Result
            status="success"
            title={<h1 className="result-title">{t('eid.apply.doneTitle', { id: done.id })}</h1>}
            subTitle={t('eid.apply.doneText', { phone: done.phoneMasked ?? '' })}
            extra={
              <LinkButton href="/eid/activate" type="primary">
                {t('eid.apply.toActivate')}
              </LinkButton>
            }
          />
          <dl className="eid-facts">
            <dt>{t('eid.fullName')}</dt>
            <dd>{done.fullName}</dd>
            <dt>{t('eid.dob')}</dt>
            <dd>{formatPartialDate(done.dateOfBirth)}</dd>
            <dt>{t('eid.pin')}</dt>
            <dd className="number">{done.pinMasked}</dd>
          </dl>
        </Card>
      </div>
    );
  }

  return (
    <div className="eid-narrow">
      <PageHead title="eid.apply.title" intro={t('eid.apply.intro')} />
      <Card>
        <FormProblem error={error} />
        <Form<Values>
          form={form}
          layout="vertical"
          name="eid-apply"
          onFinish={submit}
          disabled={busy}
          requiredMark={false}
          scrollToFirstError={{ block: 'center', focus: true }}
          className="eid-form"
        >
          <Form.Item name="pin" label={t('eid.pin')} extra={t('eid.pin.hint')} rules={[{ required: true, message: t('eid.pin.required') }, { pattern: PIN, message: t('eid.pin.invalid') }]}>
            <Input inputMode="numeric" autoComplete="off" maxLength={12} size="large" className="number" />
          </Form.Item>
          <Form.Item name="fullName" label={t('eid.fullName')} extra={t('eid.fullName.hint')} rules={[{ required: true, whitespace: true, message: t('eid.fullName.required') }, { min: 2, message: t('eid.fullName.required') }]}>
            <Input autoComplete="name" autoCapitalize="words" maxLength={100} size="large" />
          </Form.Item>
          <fieldset className="eid-dob">
            <legend>{t('eid.dob')}</legend>
            <p className="muted eid-hint">{t('eid.dob.hint')}</p>
            <div className="eid-dob-row">
              <Form.Item name="dobDay" label={t('eid.dob.day')} rules={[{ pattern: /^\d{1,2}$/, message: t('eid.dob.invalid') }]}>
                <Input inputMode="numeric" autoComplete="bday-day" maxLength={2} size="large" placeholder="12" />
              </Form.Item>
              <Form.Item name="dobMonth" label={t('eid.dob.month')} rules={[{ pattern: /^\d{1,2}$/, message: t('eid.dob.invalid') }]}>
                <Input inputMode="numeric" autoComplete="bday-month" maxLength={2} size="large" placeholder="05" />
              </Form.Item>
              <Form.Item
                name="dobYear"
                label={t('eid.dob.year')}
                dependencies={['dobDay', 'dobMonth']}
                rules={[
                  { required: true, message: t('eid.dob.yearRequired') },
                  ({ getFieldValue }) => ({
                    validator: async (_, y?: string) => {
                      if (y && !dateOfBirthOf(getFieldValue('dobDay'), getFieldValue('dobMonth'), y)) throw new Error(t('eid.dob.invalid'));
                    },
                  }),
                ]}
              >
                <Input inputMode="numeric" autoComplete="bday-year" maxLength={4} size="large" placeholder="1990" />
              </Form.Item>
            </div>
          </fieldset>
          <Form.Item name="sex" label={t('eid.sex')} rules={[{ required: true, message: t('eid.sex.required') }]}>
            <Radio.Group optionType="button" buttonStyle="solid" size="large" className="eid-choice" options={[{ value: 'male', label: t('eid.sex.male') }, { value: 'female', label: t('eid.sex.female') }]} />
          </Form.Item>
          <Form.Item name="phone" label={t('eid.phone')} extra={t('eid.phone.hint')} rules={[{ required: true, whitespace: true, message: t('eid.phone.required') }]}>
            <Input type="tel" inputMode="tel" autoComplete="tel" maxLength={20} size="large" />
          </Form.Item>
          <Form.Item name="email" label={t('eid.email.optional')} rules={[{ type: 'email', message: t('eid.email.invalid') }]}>
            <Input type="email" inputMode="email" autoComplete="email" autoCapitalize="none" maxLength={254} size="large" />
          </Form.Item>
          <Form.Item
            name="faceImage"
            label={t('eid.face')}
            extra={t('eid.face.hint')}
            rules={[{ required: true, message: t('eid.face.required') }]}
            valuePropName="photo"
            trigger="onChange"
          >
            <FaceField />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={busy}>
            {t('eid.apply.submit')}
          </Button>
        </Form>
        <p className="eid-aside">
          {t('eid.apply.already')} <Link href="/eid/activate">{t('eid.nav.activate')}</Link> · <Link href="/eid/sign-in">{t('eid.nav.signIn')}</Link>
        </p>
      </Card>
    </div>
  );
}

/** The face photo inside its Form.Item, which passes the value (`photo`), `onChange` and the status. */
function FaceField({ id = 'eid-apply_faceImage', photo, onChange }: { id?: string; photo?: Photo; onChange?: (p: Photo | undefined) => void }) {
  const { t } = useI18n();
  const { status } = Form.Item.useStatus();
  return <PhotoPicker id={id} photo={photo} capture="user" label={photo ? t('eid.face.again') : t('eid.face.take')} error={status === 'error'} onChange={(p) => onChange?.(p)} />;
}
