import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { Nullable } from './schemas.js';
import { AJV_OPTIONS } from './server.js';

describe('Nullable under the server’s type coercion', () => {
  const ajv = new Ajv({ ...AJV_OPTIONS });
  const site = Type.Object(
    { bandwidthMbps: Nullable(Type.Integer({ minimum: 0, maximum: 100000 })), address: Type.Optional(Nullable(Type.String({ minLength: 1 }))), geometry: Nullable(Type.Object({ x: Type.Number() })) },
    { additionalProperties: false },
  );
  const validate = ajv.compile(site);

  it('keeps null as null: an unknown bandwidth is not stored as 0, an absent address not as ""', () => {
    const body: Record<string, unknown> = { bandwidthMbps: null, address: null, geometry: null };
    expect(validate(body)).toBe(true);
    expect(body).toEqual({ bandwidthMbps: null, address: null, geometry: null });
  });

  it('still coerces form values and keeps each type’s own rules', () => {
    const body: Record<string, unknown> = { bandwidthMbps: '100', address: 12, geometry: { x: '1.5' } };
    expect(validate(body)).toBe(true);
    expect(body).toEqual({ bandwidthMbps: 100, address: '12', geometry: { x: 1.5 } });
    expect(validate({ bandwidthMbps: -1, address: '', geometry: 3 })).toBe(false);
    expect(validate.errors!.map((e: { instancePath: string }) => e.instancePath).sort()).toEqual(['/address', '/bandwidthMbps', '/geometry', '/geometry', '/geometry']);
  });

  it('refuses a JSON number too large for a double (1e400 parses as Infinity)', () => {
    expect(validate({ bandwidthMbps: JSON.parse('1e400'), address: null, geometry: null })).toBe(false);
    expect(validate.errors!.map((e: { instancePath: string; keyword: string }) => `${e.instancePath} ${e.keyword}`)).toContain('/bandwidthMbps type');
  });

  it('publishes a primitive as a type list, and anything else as anyOf', () => {
    expect(Nullable(Type.Integer({ minimum: 1, maximum: 25 }))).toMatchObject({ type: ['integer', 'null'], minimum: 1, maximum: 25 });
    expect(Nullable(Type.Object({}))).toMatchObject({ anyOf: [{ type: 'object' }, { type: 'null' }] });
  });
});
