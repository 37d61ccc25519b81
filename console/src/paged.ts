/**
 * A list over a cursor-paged API route (members, claims, alerts): the rows loaded so far, whether the
 * route has more, `load(more)` for the first page or the next, and `loadAll()` for a CSV export of
 * every row. `path(cursor)` builds the route's URL; `itemsOf` picks the rows from its answer.
 */
import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import { ApiError, get } from './api.ts';

export function usePagedList(path: (cursor?: string) => string, itemsOf: (answer: any) => any[], onError?: () => void) {
  const rows = ref<any[]>([]);
  const cursor = ref<string>();
  const loading = ref(false);

  async function load(more = false) {
    loading.value = true;
    try {
      const page = await get(path(more ? cursor.value : undefined));
      rows.value = more ? [...rows.value, ...itemsOf(page)] : itemsOf(page);
      cursor.value = page.nextCursor;
    } catch (e) {
      onError?.();
      ElMessage.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      loading.value = false;
    }
  }
  async function loadAll() {
    while (cursor.value) await load(true);
    return rows.value;
  }
  return { rows, cursor, loading, load, loadAll };
}
