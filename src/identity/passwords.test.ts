import { describe, expect, it } from 'vitest';
import { passwordWeakness } from './passwords.js';

describe('passwordWeakness (NIST SP 800-63B §5.1.1.2, OWASP ASVS 5.0 6.2.4)', () => {
  it('refuses the commonly used passwords of the zxcvbn-ts list, whatever the case, and the Vietnamese ones', () => {
    for (const p of ['sunshine', 'Football', 'iloveyou1', 'qwertyuiop', 'trustno1', 'princess', 'Matkhau123', 'anhyeuem', 'motcua@123']) expect(passwordWeakness(p), p).toBe('common');
  });
  it('accepts a long password of one’s own, and says what is wrong with the others', () => {
    expect(passwordWeakness('Cẩm-Hoàng-mùa-lúa-2023')).toBeUndefined();
    expect(passwordWeakness('Hoa-Cam-Hoang-1990')).toBeUndefined();
    expect(passwordWeakness('abc1234')).toBe('too_short');
    expect(passwordWeakness('x'.repeat(129))).toBe('too_long');
  });
});
