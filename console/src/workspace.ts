/**
 * The region and year the pages read (staff work across regions; a regulator is bound to its
 * region by its token, a provider to its own pooling region's reports through its own routes).
 */
import { reactive, watch } from 'vue';
import { session } from './api.ts';

const KEY = 'yibao.console.workspace';
const saved = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as { region?: string; year?: number };

export const workspace = reactive({ region: saved.region ?? '330900', year: saved.year ?? 2026 });
watch(workspace, () => sessionStorage.setItem(KEY, JSON.stringify(workspace)));
watch(
  () => session.principal,
  (p) => {
    if (p?.role === 'regulator' && p.region) workspace.region = p.region;
  },
  { immediate: true },
);

export const REGIONS: Record<string, string> = {
  '330900': '舟山市',
  '210900': '阜新市',
  '341502': '六安市金安区',
  '532500': '红河州',
};
