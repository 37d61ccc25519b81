/**
 * The units policy documents are written in, as the papers write them: ratios as percent strings
 * ("85%", "-10%" where a rule adds to a ratio) and money as yuan (3070 or "3070.50"). Parsing turns
 * them into basis points and integer fen, so no engine ever sees a float. One definition for every
 * document that writes figures this way (benefits and the personal-account terms within them).
 */
import * as z from 'zod';
import { percentToBasisPoints, yuanToFen, type BasisPoints, type Fen } from '../money/fen.ts';

const PERCENT = /^(-)?(\d{1,3})(\.\d{1,2})?%$/;

/** "85%" → 8,500 basis points. Signed only where a rule adds to a ratio ("-10%"). */
export const percent = (opts: { signed?: boolean } = {}) =>
  z
    .string()
    .regex(PERCENT, 'a percentage written like "85%" or "72.5%"')
    .transform((text, ctx): BasisPoints => {
      const value = Number(text.slice(0, -1));
      if (!opts.signed && value < 0) ctx.addIssue({ code: 'custom', message: 'a ratio cannot be negative' });
      if (Math.abs(value) > 100) ctx.addIssue({ code: 'custom', message: 'a ratio is at most 100%' });
      return percentToBasisPoints(value);
    });

/** Yuan as a number or a string with at most two decimals → integer fen. */
export const yuan = z.union([z.number(), z.string()]).transform((value, ctx): Fen => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'an amount in yuan, ≥ 0, with at most two decimals' });
    return z.NEVER;
  }
  return yuanToFen(text);
});
