/**
 * The purpose of the officer's lookups (mục đích khai thác): a dialog that asks for it (a purpose
 * from the catalogue, a note, a dossier code) and a bar that shows the current one with a button to
 * change it. The purpose holds for the session, so the officer states it once per task.
 */
import { useEffect } from 'react';
import { Alert, Button, Form, Input, Modal, Select } from 'antd';
import { encodeHeaderText, listPurposes, PURPOSE_NOTE_MAX, type Purpose, type PurposeOption } from '../api.js';
import { useI18n } from '../i18n.js';
import { useRemote } from '../useRemote.js';
import { ProblemAlert } from './ProblemAlert.js';

const DOSSIER = /^[A-Za-z0-9.-]{1,60}$/;

/** The catalogue (both languages in each entry), kept once loaded: the bar, the dialog and the access log all need it. */
let catalogue: Promise<PurposeOption[]> | undefined;

function purposeCatalogue(): Promise<PurposeOption[]> {
  if (!catalogue) {
    catalogue = listPurposes({ lang: 'vi' });
    catalogue.catch(() => (catalogue = undefined));
  }
  return catalogue;
}

/** The catalogue of purposes (`GET /purposes`). */
export function usePurposes() {
  return useRemote<PurposeOption[]>('purposes', () => purposeCatalogue());
}

interface FormValues {
  code?: string;
  note?: string;
  dossierCode?: string;
}

export function PurposeDialog({ open, initial, onDone, onCancel }: { open: boolean; initial: Purpose | null; onDone: (p: Purpose) => void; onCancel: () => void }) {
  const { t, lang } = useI18n();
  const purposes = usePurposes();
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    if (open) form.setFieldsValue({ code: initial?.code, note: initial?.note ?? '', dossierCode: initial?.dossierCode ?? '' });
  }, [open, initial, form]);

  const submit = (v: FormValues) => {
    const note = v.note?.trim();
    const dossierCode = v.dossierCode?.trim();
    onDone({ code: v.code!, ...(note ? { note } : {}), ...(dossierCode ? { dossierCode } : {}) });
  };

  return (
    <Modal
      open={open}
      title={t('purpose.title')}
      okText={t('purpose.ok')}
      cancelText={t('purpose.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      // Keyboard users start at the first field, once the dialog has finished opening.
      afterOpenChange={(opened) => opened && (form.getFieldInstance('code') as { focus?: () => void } | undefined)?.focus?.()}
      // The form stays mounted so that its instance is always connected.
      forceRender
      className="purpose-dialog"
      width={560}
    >
      <p className="muted">{t('purpose.intro')}</p>
      {purposes.error !== undefined && <ProblemAlert error={purposes.error} onRetry={purposes.retry} />}
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} requiredMark="optional" name="purpose">
        <Form.Item name="code" label={t('purpose.code')} rules={[{ required: true, message: t('purpose.required') }]}>
          <Select
            placeholder={t('purpose.choose')}
            loading={purposes.loading}
            options={(purposes.data ?? []).map((p) => ({ value: p.code, label: p[lang] }))}
            aria-required
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('purpose.note')}
          rules={[{ validator: async (_, v?: string) => (v && encodeHeaderText(v.trim()).length > PURPOSE_NOTE_MAX ? Promise.reject(new Error(t('purpose.noteTooLong'))) : undefined) }]}
        >
          <Input.TextArea rows={2} maxLength={PURPOSE_NOTE_MAX} showCount placeholder={t('purpose.notePlaceholder')} />
        </Form.Item>
        <Form.Item name="dossierCode" label={t('purpose.dossier')} rules={[{ pattern: DOSSIER, message: t('purpose.dossierInvalid') }]}>
          <Input maxLength={60} placeholder={t('purpose.dossierPlaceholder')} autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The purpose in words: its label, the dossier and the note. */
export function usePurposeText(purpose: Purpose | null): string | undefined {
  const { t, lang } = useI18n();
  const purposes = usePurposes();
  if (!purpose) return undefined;
  const label = purposes.data?.find((p) => p.code === purpose.code)?.[lang] ?? purpose.code;
  return [label, purpose.dossierCode ? t('purpose.dossierOf', { code: purpose.dossierCode }) : undefined, purpose.note ? `“${purpose.note}”` : undefined].filter(Boolean).join(' · ');
}

/** The current purpose, with a button to state or change it. */
export function PurposeBar({ purpose, onChange }: { purpose: Purpose | null; onChange: () => void }) {
  const { t } = useI18n();
  const text = usePurposeText(purpose);
  return (
    <Alert
      className="purpose-bar"
      // A standing notice that changes when the officer changes it: polite, not an alert.
      role="status"
      type={purpose ? 'info' : 'warning'}
      showIcon
      title={
        <span>
          <strong>{t('purpose.current')}:</strong> <span className="purpose-text">{text ?? t('purpose.none')}</span>
        </span>
      }
      action={
        <Button size="small" onClick={onChange}>
          {purpose ? t('purpose.change') : t('purpose.state')}
        </Button>
      }
    />
  );
}
