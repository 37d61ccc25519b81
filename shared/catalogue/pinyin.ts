/**
 * Pinyin initials of a name (阿莫西林胶囊 → AMXLJN), the way clerks and pharmacists search a
 * catalogue. Computed once per entry at import with pinyin-pro (a maintained dictionary with
 * polyphone handling in context), never per search; letters and digits in a name are kept
 * (维生素B1片 → WSSB1P), punctuation dropped.
 */
import { pinyin } from 'pinyin-pro';

export function pinyinInitials(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}
