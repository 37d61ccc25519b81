import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { maskIdNumber, maskIdNumbersIn } from '../../shared/privacy/mask.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

const idNumbers = fc.tuple(fc.stringMatching(/^\d{17}$/), fc.constantFrom(...'0123456789X')).map(([body, check]) => body + check);

describe('ID-number masking', () => {
  it('keeps the first four and last four characters', () => {
    expect(maskIdNumber('51010519900307123X')).toBe('5101**********123X');
  });

  it('leaves no full ID number in any text, and keeps the text around it', () => {
    fc.assert(
      fc.property(idNumbers, fc.string(), fc.string(), (id, before, after) => {
        const masked = maskIdNumbersIn(`${before} ${id} ${after}`);
        expect(masked).not.toContain(id);
        expect(masked).toContain(`${id.slice(0, 4)}**********${id.slice(14)}`);
      }),
    );
  });

  it('does not touch longer digit runs or ordinary amounts', () => {
    expect(maskIdNumbersIn('order 12345678901234567890 paid 1234500 fen')).toBe('order 12345678901234567890 paid 1234500 fen');
  });

  it('masks an ID number that reaches the logger inside an error', () => {
    const logger = createLogger('mask-test');
    // Powertools writes through its own Console instance: listen on that.
    const sink = (logger as unknown as { console: { error: (line: string) => void } }).console;
    const spy = vi.spyOn(sink, 'error').mockImplementation(() => undefined);
    logger.error('lookup failed', new Error('no member with 110101199003077777'));
    const written = spy.mock.calls.map((call) => String(call[0])).join('');
    spy.mockRestore();
    expect(written).toContain('1101**********7777');
    expect(written).not.toContain('110101199003077777');
  });
});
