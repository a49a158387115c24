/**
 * A form rendered from a catalog entry's JSON Schema (draft 2020-12), inside an Ant Design `Form`.
 *
 * Written for the subset the catalog uses (src/services/catalog/fields.ts), not a general JSON
 * Schema UI: objects (`properties`, `required`, nested groups shown as fieldsets), arrays of objects
 * (add/remove rows, `minItems`/`maxItems`) and of enumerated strings (check boxes), strings
 * (`minLength`, `maxLength`, `pattern` explained by `x-form`, `format: date` as a date picker,
 * `format: email`, `enum`), integers (`minimum`, `maximum`, `enum`), booleans (`const: true` for a
 * declaration that must be ticked), and the annotations `title` / `x-title-en` (labels in both
 * languages) and `x-widget` (`textarea`, `phone`, `unit`). Checks here only spare a round trip: the
 * server checks the data again with Ajv against the same schema and its field errors are put back
 * on the fields ({@link fieldErrorsToForm}).
 *
 * Why not @rjsf/antd: it supports antd 6 and React 19, but it and its Ajv validator added 147 kB
 * gzipped to the bundle (measured: 235 → 382 kB), and Ajv compiles validators with `new Function`,
 * which the platform's Content-Security-Policy (`script-src 'self'`) forbids.
 *
 * Fields pre-filled from the population registry (online filing by a signed-in citizen) are shown
 * locked and left out of the data: the server fills them (issue 6 §3).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { Button, Checkbox, DatePicker, Form, Input, InputNumber, Radio, Select, type FormInstance } from 'antd';
import type { Rule } from 'antd/es/form/index.js';
import dayjs, { type Dayjs } from 'dayjs';
import type { Problem } from '../../api.js';
import { useI18n, type Lang, type Translate } from '../../i18n.js';
import { enumLabel } from './common.js';

/** The JSON Schema keywords this renderer understands (anything else is left to the server). */
export interface JsonSchema {
  $schema?: string;
  type?: string;
  title?: string;
  'x-title-en'?: string;
  'x-form'?: string;
  'x-widget'?: string;
  /** The end of a period: not before the sibling field's date, nor more than `maxMonths` after it (src/services/catalog/fields.ts). */
  'x-on-or-after'?: { field: string; maxMonths?: number };
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: (string | number)[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
}

export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema', 'type', 'title', 'x-title-en', 'x-form', 'x-widget', 'x-on-or-after', 'description', 'properties', 'required', 'additionalProperties',
  'enum', 'const', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'items', 'minItems', 'maxItems',
]);

/** Keywords of `schema` (at any depth) this renderer does not handle; the server still checks them. */
export function unsupportedKeywords(schema: unknown, found = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return found;
  const s = schema as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!SUPPORTED_KEYWORDS.has(k)) found.add(k);
  if (s.properties && typeof s.properties === 'object') for (const p of Object.values(s.properties)) unsupportedKeywords(p, found);
  if (s.items) unsupportedKeywords(s.items, found);
  return found;
}

type Path = (string | number)[];

/** The label of a field in the UI language; the property name when the schema has none. */
export function labelOf(schema: JsonSchema, lang: Lang, fallback: string): string {
  return (lang === 'en' ? schema['x-title-en'] ?? schema.title : schema.title) ?? fallback;
}

/** `x-form` (written in Vietnamese) in the UI language. */
function formHint(s: string, lang: Lang): string {
  return lang === 'en' ? s.replace(/ hoặc /g, ' or ').replace(/chữ số/g, 'digits') : s;
}

/** The pointer form `applicant/fullName` of a path (the catalog's `prefill` keys). */
const pointerOf = (path: Path) => path.join('/');

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.every(isEmpty);
  if (typeof v === 'object') return Object.values(v as object).every(isEmpty);
  return false;
}

interface Ctx {
  lang: Lang;
  t: Translate;
  form: FormInstance;
  /** Pointers filled from the registry: shown locked. */
  locked: ReadonlySet<string>;
  /** Values for the locked fields, when known before submission. */
  prefilled: Readonly<Record<string, string>>;
  /**
   * Fields filled from the registry at the counter (pointer → the registry's value): editable, and
   * marked as coming from it while they hold that value (an officer's correction is not the registry's).
   */
  fromRegistry: Readonly<Record<string, string>>;
  idPrefix: string;
}

/**
 * The fields of an object schema, for use inside an Ant Design `Form` (the form's values are the
 * form data as nested objects and arrays; date fields hold `YYYY-MM-DD` strings).
 */
export function SchemaFields({
  schema,
  form,
  locked = new Set(),
  prefilled = {},
  fromRegistry = {},
  idPrefix,
}: {
  schema: JsonSchema;
  form: FormInstance;
  locked?: ReadonlySet<string>;
  prefilled?: Readonly<Record<string, string>>;
  fromRegistry?: Readonly<Record<string, string>>;
  idPrefix: string;
}) {
  const { lang, t } = useI18n();
  const ctx: Ctx = { lang, t, form, locked, prefilled, fromRegistry, idPrefix };
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <p className="muted">{t('filing.noForm')}</p>;
  return <>{props.map(([key, prop]) => <Field key={key} ctx={ctx} name={[key]} abs={[key]} schema={prop} required={(schema.required ?? []).includes(key)} optionalGroup={null} />)}</>;
}

interface FieldProps {
  ctx: Ctx;
  /** The name relative to the enclosing `Form.List` row (or the form). */
  name: Path;
  /** The absolute path of the value in the form data. */
  abs: Path;
  schema: JsonSchema;
  required: boolean;
  /** The nearest optional group around the field: its required fields are required only once the group is begun. */
  optionalGroup: Path | null;
}

function Field({ ctx, name, abs, schema, required, optionalGroup }: FieldProps): ReactNode {
  const { lang, t } = ctx;
  const label = labelOf(schema, lang, String(abs[abs.length - 1]));

  if (schema.type === 'object') {
    const group = required ? optionalGroup : abs;
    return (
      <fieldset className="schema-group">
        <legend>{label}</legend>
        {Object.entries(schema.properties ?? {}).map(([key, prop]) => (
          <Field key={key} ctx={ctx} name={[...name, key]} abs={[...abs, key]} schema={prop} required={(schema.required ?? []).includes(key)} optionalGroup={group} />
        ))}
      </fieldset>
    );
  }

  if (schema.type === 'array' && schema.items?.type === 'object') return <ObjectList ctx={ctx} name={name} abs={abs} schema={schema} required={required} label={label} />;

  const pointer = pointerOf(abs);
  if (ctx.locked.has(pointer)) {
    const value = ctx.prefilled[pointer];
    return (
      <Form.Item label={label} htmlFor={idOf(ctx, abs)} extra={t('filing.lockedHint')} className="schema-locked">
        <Input id={idOf(ctx, abs)} value={value ?? ''} placeholder={value ? undefined : t('filing.lockedPlaceholder')} disabled readOnly />
      </Form.Item>
    );
  }

  const leaf = { ctx, name, abs, schema, required, optionalGroup, label };
  const registryValue = Object.hasOwn(ctx.fromRegistry, pointer) ? ctx.fromRegistry[pointer] : undefined;
  return registryValue === undefined ? <Leaf {...leaf} registry={false} /> : <RegistryLeaf {...leaf} registryValue={registryValue} />;
}

interface LeafProps extends FieldProps {
  label: string;
}

/**
 * A field filled at the counter from the registry: marked as such while it holds the registry's
 * value, not once the officer has changed it (typed back, it is the registry's again).
 */
function RegistryLeaf({ registryValue, ...leaf }: LeafProps & { registryValue: string }) {
  const value: unknown = Form.useWatch(leaf.abs, leaf.ctx.form);
  const same = (typeof value === 'string' || typeof value === 'number') && String(value) === registryValue;
  return <Leaf {...leaf} registry={same} />;
}

/** A field holding one value (text, number, date, choice, check box), with its hints. */
function Leaf({ ctx, name, abs, schema, required, optionalGroup, label, registry }: LeafProps & { registry: boolean }): ReactNode {
  const { lang, t } = ctx;
  const rules = rulesOf(ctx, schema, required, optionalGroup, label, abs);
  // The end of a period is checked again when its start changes.
  const start = periodStart(schema, abs);
  const startOf = start && [start];
  const markRequired = required && optionalGroup === null;
  const formatHint = schema['x-form'] && schema.format !== 'date' ? t('filing.formatHint', { form: formHint(schema['x-form'], lang) }) : undefined;
  // Filled at the counter from the registry (and still the registry's value): said under the field, which stays editable.
  const hint = registry ? [t('filing.fromRegistryHint'), formatHint].filter(Boolean).join(' · ') : formatHint;
  const itemClass = registry ? 'schema-from-registry' : undefined;

  if (schema.type === 'boolean') {
    return (
      <Form.Item name={name} valuePropName="checked" rules={rules} className="schema-check">
        <Checkbox>
          {label}
          {markRequired && <span className="schema-required-mark"> *</span>}
        </Checkbox>
      </Form.Item>
    );
  }

  if (schema.type === 'array' && schema.items?.enum) {
    const options = schema.items.enum.map((v) => ({ value: v, label: enumLabel(lang, v) }));
    return (
      <Form.Item name={name} label={label} rules={rules} required={markRequired} extra={itemsHint(t, schema)}>
        {options.length <= 20 ? <Checkbox.Group className="schema-checks" options={options} aria-label={label} role="group" /> : <Select mode="multiple" options={options} />}
      </Form.Item>
    );
  }

  if (schema.enum) {
    const options = schema.enum.map((v) => ({ value: v, label: enumLabel(lang, v) }));
    return (
      <Form.Item name={name} label={label} rules={rules} required={markRequired} extra={hint} className={itemClass}>
        {options.length <= 4 ? (
          <Radio.Group options={options} aria-label={label} className="schema-radios" />
        ) : (
          <Select options={options} allowClear={!required} showSearch={{ optionFilterProp: 'label' }} placeholder={t('filing.choose')} />
        )}
      </Form.Item>
    );
  }

  if (schema.type === 'integer' || schema.type === 'number') {
    return (
      <Form.Item name={name} label={label} rules={rules} required={markRequired} extra={hint} className={itemClass ? `schema-number ${itemClass}` : 'schema-number'}>
        <InputNumber min={schema.minimum} max={schema.maximum} precision={schema.type === 'integer' ? 0 : undefined} inputMode="numeric" />
      </Form.Item>
    );
  }

  if (schema.format === 'date') {
    return (
      <Form.Item
        name={name}
        label={label}
        rules={rules}
        dependencies={startOf}
        required={markRequired}
        extra={hint}
        className={itemClass}
        getValueProps={(v: unknown) => ({ value: typeof v === 'string' && v ? dayjs(v) : undefined })}
        normalize={(d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined)}
      >
        <DatePicker format="DD/MM/YYYY" placeholder={t('filing.datePlaceholder')} className="schema-date" />
      </Form.Item>
    );
  }

  const widget = schema['x-widget'];
  const input =
    widget === 'textarea' ? (
      <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={schema.maxLength} showCount={Boolean(schema.maxLength && schema.maxLength > 300)} />
    ) : widget === 'phone' ? (
      <Input type="tel" inputMode="tel" autoComplete="off" maxLength={12} className="schema-short" />
    ) : widget === 'unit' ? (
      <Input inputMode="numeric" maxLength={5} className="schema-short" autoComplete="off" />
    ) : schema.format === 'email' ? (
      <Input type="email" inputMode="email" maxLength={schema.maxLength} autoComplete="off" />
    ) : (
      <Input maxLength={schema.maxLength} autoComplete="off" />
    );
  return (
    <Form.Item name={name} label={label} rules={rules} dependencies={startOf} required={markRequired} extra={hint} className={itemClass}>
      {input}
    </Form.Item>
  );
}

/** The element id Ant Design gives the control of a field (form name + path). */
function idOf(ctx: Ctx, abs: Path): string {
  return `${ctx.idPrefix}_${abs.join('_')}`;
}

function itemsHint(t: Translate, schema: JsonSchema): string | undefined {
  const min = schema.minItems ?? 0;
  const max = schema.maxItems;
  if (max === undefined) return min > 0 ? t('filing.itemsMin', { min }) : undefined;
  return min > 0 ? t('filing.itemsRange', { min, max }) : t('filing.itemsMax', { max });
}

/** Where the start of the period a field ends is (`x-on-or-after`: its sibling), or undefined. */
function periodStart(schema: JsonSchema, abs: Path): Path | undefined {
  const period = schema['x-on-or-after'];
  return period && [...abs.slice(0, -1), period.field];
}

/** A full or partial date as the page shows it: 01/12/2026, 05/2010, 2010. */
function shownDate(d: string): string {
  if (d.length === 10) return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  return d.length === 7 ? `${d.slice(5, 7)}/${d.slice(0, 4)}` : d;
}

/** Validation rules of a field from its schema (the messages name the rule, the label is beside the field). */
function rulesOf(ctx: Ctx, schema: JsonSchema, required: boolean, optionalGroup: Path | null, label: string, abs: Path): Rule[] {
  const { t, form } = ctx;
  const rules: Rule[] = [];
  const period = schema['x-on-or-after'];
  const startPath = periodStart(schema, abs);
  if (period && startPath) {
    // As the server's check (src/services/forms.ts): partial dates compared on the precision both have.
    rules.push({
      validator: async (_, v: unknown) => {
        const start: unknown = form.getFieldValue(startPath);
        if (typeof v !== 'string' || typeof start !== 'string' || !v || !start) return;
        const n = Math.min(v.length, start.length);
        if (v.slice(0, n) < start.slice(0, n)) throw new Error(t('filing.notBefore', { date: shownDate(start) }));
        if (period.maxMonths === undefined || start.length !== 10) return;
        const last = dayjs(start).add(period.maxMonths, 'month').format('YYYY-MM-DD');
        if (v.slice(0, 10) > last) throw new Error(t('filing.notAfter', { date: shownDate(last), months: period.maxMonths }));
      },
    });
  }
  if (required) {
    rules.push({
      validator: async (_, v: unknown) => {
        const missing = schema.type === 'boolean' ? v !== true : isEmpty(v);
        if (!missing) return;
        if (optionalGroup && isEmpty(form.getFieldValue(optionalGroup))) return;
        throw new Error(schema.type === 'boolean' || schema.const === true ? t('filing.mustConfirm') : t('filing.required', { label }));
      },
    });
  } else if (schema.const === true) {
    rules.push({ validator: async (_, v: unknown) => { if (v !== undefined && v !== true) throw new Error(t('filing.mustConfirm')); } });
  }
  if (schema.type === 'string' && !schema.enum && schema.format !== 'date') {
    if (schema.pattern) rules.push({ pattern: new RegExp(schema.pattern), message: t('filing.pattern', { form: formHint(schema['x-form'] ?? schema.pattern, ctx.lang) }) });
    if (schema.minLength && schema.minLength > 1) rules.push({ min: schema.minLength, message: t('filing.minLength', { n: schema.minLength }) });
    if (schema.maxLength) rules.push({ max: schema.maxLength, message: t('filing.maxLength', { n: schema.maxLength }) });
    if (schema.format === 'email') rules.push({ type: 'email', message: t('filing.email') });
  }
  if ((schema.type === 'integer' || schema.type === 'number') && !schema.enum && (schema.minimum !== undefined || schema.maximum !== undefined)) {
    rules.push({ type: 'number', min: schema.minimum, max: schema.maximum, message: t('filing.range', { min: schema.minimum ?? '…', max: schema.maximum ?? '…' }) });
  }
  if (schema.type === 'array') {
    rules.push({
      validator: async (_, v: unknown) => {
        const n = Array.isArray(v) ? v.length : 0;
        if (n === 0 && !required) return;
        if ((schema.minItems !== undefined && n < schema.minItems) || (schema.maxItems !== undefined && n > schema.maxItems)) throw new Error(itemsHint(t, schema) ?? '');
      },
    });
  }
  return rules;
}

/** An array of objects: one group of fields per row, rows added and removed, the count checked. */
function ObjectList({ ctx, name, abs, schema, required, label }: { ctx: Ctx; name: Path; abs: Path; schema: JsonSchema; required: boolean; label: string }) {
  const { t, lang } = ctx;
  const item = schema.items!;
  const itemLabel = labelOf(item, lang, label);
  const max = schema.maxItems ?? Infinity;
  return (
    <fieldset className="schema-group schema-list">
      <legend>
        {label}
        {required && (schema.minItems ?? 0) > 0 && <span className="schema-required-mark"> *</span>}
      </legend>
      <Form.List
        name={name}
        rules={[
          {
            validator: async (_, v: unknown[] | undefined) => {
              const n = v?.length ?? 0;
              if (n === 0 && !required) return;
              if ((schema.minItems !== undefined && n < schema.minItems) || n > max) throw new Error(itemsHint(t, schema) ?? '');
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((f, i) => (
              <div key={f.key} className="schema-item" role="group" aria-label={`${itemLabel} ${i + 1}`}>
                <div className="schema-item-head">
                  <span className="schema-item-title">
                    {itemLabel} {i + 1}
                  </span>
                  <Button size="small" onClick={() => remove(f.name)} aria-label={t('filing.removeItem', { item: `${itemLabel} ${i + 1}` })}>
                    {t('filing.remove')}
                  </Button>
                </div>
                {Object.entries(item.properties ?? {}).map(([key, prop]) => (
                  <Field key={key} ctx={ctx} name={[f.name, key]} abs={[...abs, i, key]} schema={prop} required={(item.required ?? []).includes(key)} optionalGroup={null} />
                ))}
              </div>
            ))}
            {fields.length < max && (
              <Button onClick={() => add({})} className="schema-add">
                + {t('filing.addItem', { item: itemLabel.toLocaleLowerCase(lang) })}
              </Button>
            )}
            <div className="muted schema-list-hint">{itemsHint(t, schema)}</div>
            <Form.ErrorList errors={errors} />
          </>
        )}
      </Form.List>
    </fieldset>
  );
}

/**
 * The form data to send: values trimmed, empty values and empty optional groups and lists left
 * out, locked (pre-filled) fields left out for the server to fill, only properties of the schema.
 */
export function formData(schema: JsonSchema, values: unknown, locked: ReadonlySet<string> = new Set()): Record<string, unknown> {
  return (prune(schema, values, true, [], locked) as Record<string, unknown> | undefined) ?? {};
}

function prune(schema: JsonSchema, v: unknown, required: boolean, path: Path, locked: ReadonlySet<string>): unknown {
  if (locked.has(pointerOf(path))) return undefined;
  switch (schema.type) {
    case 'object': {
      const src = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(schema.properties ?? {})) {
        const pv = prune(p, src[k], (schema.required ?? []).includes(k), [...path, k], locked);
        if (pv !== undefined) out[k] = pv;
      }
      if (path.length === 0 || Object.keys(out).length > 0) return out;
      return required ? out : undefined;
    }
    case 'array': {
      const items = Array.isArray(v) ? v.map((x, i) => prune(schema.items ?? {}, x, true, [...path, i], locked)).filter((x) => x !== undefined) : [];
      return items.length > 0 || required ? items : undefined;
    }
    case 'boolean':
      return v === true ? true : v === false && required ? false : undefined;
    case 'integer':
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    default:
      if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
      return v === null ? undefined : v;
  }
}

/**
 * Keeps a form's marked fields in step with the UI language: the fields that showed an error when
 * the language changed are checked again once the page is in the new one, so that their messages
 * are in it too; an error the field's own rules do not make (the server's, from
 * {@link fieldErrorsToForm}) stays as it was.
 */
export function useErrorsAcrossLanguages(form: FormInstance, lang: Lang): void {
  const shown = useRef(lang);
  const marked = useRef<{ name: (string | number)[]; errors: string[] }[]>([]);
  if (shown.current !== lang) {
    // During the render that brings the new language, before the fields re-render.
    shown.current = lang;
    marked.current = form.getFieldsError().filter((f) => f.errors.length > 0).map((f) => ({ name: f.name, errors: f.errors }));
  }
  useEffect(() => {
    const before = marked.current;
    marked.current = [];
    if (before.length === 0) return;
    void form
      .validateFields(before.map((f) => f.name))
      .catch(() => undefined)
      .then(() => {
        const lost = before.filter((f) => form.getFieldError(f.name).length === 0);
        if (lost.length > 0) form.setFields(lost);
      });
  }, [lang, form]);
}

/**
 * Puts the server's field errors (`data.child.dateOfBirth`, `data.guests.0.pin`) on the fields of
 * the form; returns how many found a field.
 */
export function fieldErrorsToForm(form: FormInstance, problem: Problem | undefined): number {
  const errors = (problem?.errors ?? []).filter((e) => e.field.startsWith('data.'));
  const byField = new Map<string, { name: Path; errors: string[] }>();
  for (const e of errors) {
    const name = e.field.slice(5).split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(e.detail);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return byField.size;
}
