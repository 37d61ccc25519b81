/**
 * Catalogues on the local cloud, through the real code path (`npm run catalogue -- import`'s
 * importCatalogueFile → chunked upload → row validation → whole-file validation, content hash and
 * diff → publish: entries written for lookup by code, then the version): a generated national list of
 * 100,000 rows, its import speed in rows/s (and per phase), the same file again (unchanged: nothing
 * written), a second version reclassifying some rows (its diff), then search latency (pinyin,
 * name, code; the first search of a version loads it into the function) and the download.
 *
 * On DynamoDB Local writes go one at a time, whatever the concurrency: that bounds the publish
 * figure here; DynamoDB proper writes the batches in parallel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { COLUMNS } from '../shared/catalogue/entry.ts';
import { downloadCatalogueCsv, importCatalogueFile } from '../tools/catalogue.ts';
import { peakRssMb, reportLatencies, runConcurrently, type Report } from './support.ts';

const ROWS = 100_000;
const NAMES = [
  '阿莫西林',
  '头孢呋辛',
  '左氧氟沙星',
  '阿奇霉素',
  '氨氯地平',
  '二甲双胍',
  '阿托伐他汀',
  '氯吡格雷',
  '奥美拉唑',
  '布洛芬',
  '对乙酰氨基酚',
  '厄贝沙坦',
  '格列美脲',
  '美托洛尔',
  '氨溴索',
  '地塞米松',
];
const FORMS = ['片', '胶囊', '注射液', '颗粒', '缓释片'];
const CLASSES = [
  'J01CA',
  'J01DC',
  'J01MA',
  'J01FA',
  'C08CA',
  'A10BA',
  'C10AA',
  'B01AC',
  'A02BC',
  'M01AE',
  'N02BE',
  'C09CA',
  'A10BB',
  'C07AB',
  'R05CB',
  'H02AB',
];
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** A national list of `rows` western drugs in the 23-character code shape; `variant` changes 1% of them. */
function nationalCsv(rows: number, variant = 0): string {
  const lines = [COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    const g = i % NAMES.length;
    const form = FORMS[i % FORMS.length]!;
    const cls = variant && i % 100 === 7 ? 'A' : i % 3 === 0 ? 'B' : 'A';
    const scope = i % 10 === 0 ? `限二级及以上医疗机构,,secondary;tertiary` : i % 10 === 1 ? '限成人,,' : ',,';
    const cells: Record<string, string> = {
      code: `X${CLASSES[g]}${String.fromCharCode(65 + g)}${pad(i % 1000, 3)}A${pad(1 + (i % 5), 3)}${pad(i, 9)}`,
      name: `${NAMES[g]}${form}`,
      kind: 'western',
      form,
      spec: `${(i % 50) + 1}mg`,
      unit: '片',
      class: cls,
      firstSelfPay: cls === 'B' && i % 7 === 0 ? '10%' : '',
      paymentStandard: '',
      priceLimit: i % 4 === 0 ? ((i % 900) + 1).toFixed(2) : '',
    };
    const [scopeText, , scopeLevels] = scope.split(',');
    lines.push(
      COLUMNS.map((c) =>
        c === 'scopeText'
          ? scopeText!
          : c === 'scopeLevels'
            ? scopeLevels!
            : c === 'scopeAgeFrom' && i % 10 === 1
              ? '18'
              : (cells[c] ?? ''),
      ).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export default async function catalogueBench(report: Report): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  const dir = mkdtempSync(join(tmpdir(), 'yibao-catalogue-bench-'));
  try {
    const clerk = await cloud.mint({ sub: 'bench', role: 'staff', permissions: ['catalogue:write'] });
    const his = await cloud.mint({ sub: 'bench-his', role: 'provider', providerCode: 'H33090200001' });
    const file = join(dir, 'national.csv');
    writeFileSync(file, nationalCsv(ROWS));
    const header = {
      region: '000000',
      version: 1,
      effectiveFrom: '2025-01-01',
      title: 'bench national list',
      source: { illustrative: 'generated for the bench' },
    };
    const options = { file, header, apiUrl: cloud.apiUrl, token: clerk, publish: true, concurrency: 3 };

    const first = await importCatalogueFile(options);
    if (first.status !== 'published' || first.problems.length > 0)
      throw new Error(
        `expected the file published, got ${first.status} with ${first.problems.length} problems: ${JSON.stringify(first.problems.slice(0, 3))}`,
      );
    const t = first.timings;
    report({
      name: `catalogue import, ${ROWS.toLocaleString('en-US')} rows (CSV → API → published)`,
      value: ROWS / (t.wallMs / 1000),
      unit: 'rows/s',
      note: `${(t.wallMs / 1000).toFixed(1)} s: upload+row checks ${(t.uploadMs / 1000).toFixed(1)} s, whole-file validation ${(t.validateMs / 1000).toFixed(1)} s, publish ${(t.publishMs / 1000).toFixed(1)} s in ${first.publishCalls} calls`,
    });
    report({ name: '  upload and row validation (50 chunks of 2,000)', value: ROWS / (t.uploadMs / 1000), unit: 'rows/s' });
    report({ name: '  publish (entries written for lookup by code)', value: ROWS / (t.publishMs / 1000), unit: 'rows/s' });

    const again = await importCatalogueFile({ ...options, header: { ...header, version: 2 } });
    if (again.status !== 'unchanged') throw new Error(`the same file again should be unchanged, was ${again.status}`);
    report({
      name: 'the same file again (unchanged: nothing published)',
      value: ROWS / (again.timings.wallMs / 1000),
      unit: 'rows/s',
      note: `${(again.timings.wallMs / 1000).toFixed(1)} s`,
    });

    const v2File = join(dir, 'national-v2.csv');
    writeFileSync(v2File, nationalCsv(ROWS, 1));
    const v2 = await importCatalogueFile({ ...options, file: v2File, header: { ...header, version: 2, effectiveFrom: '2026-01-01' } });
    report({
      name: 'a second version (every 100th row reclassified): import, diff, publish',
      value: ROWS / (v2.timings.wallMs / 1000),
      unit: 'rows/s',
      note: `diff ${JSON.stringify(v2.diff?.counts)}`,
    });

    const get = async (path: string) => {
      const res = await fetch(`${cloud.apiUrl}${path}`, { headers: { authorization: `Bearer ${his}` } });
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      await res.arrayBuffer();
    };
    const t0 = performance.now();
    await get('/v1/catalogues/330900/entries?on=2025-06-01&q=AMXL');
    report({ name: 'first search of a version (loads 100,000 entries into the function)', value: performance.now() - t0, unit: 'ms' });
    const queries = [
      'q=AMXL',
      'q=LBGL&limit=50',
      `name=${encodeURIComponent('缓释片')}`,
      'code=XJ01CA',
      'q=XC10AA&class=B',
      `q=${encodeURIComponent('奥美拉唑胶囊')}`,
    ];
    const search = await runConcurrently(600, 4, (i) => get(`/v1/catalogues/330900/entries?on=2025-06-01&${queries[i % queries.length]}`));
    reportLatencies(report, 'search (pinyin, name, code), 4 callers', search);
    const entry = await runConcurrently(600, 4, (i) =>
      get(
        `/v1/catalogues/330900/entries/X${CLASSES[0]}A${pad((i * 16) % 1000, 3)}A${pad(1 + ((i * 16) % 5), 3)}${pad(i * 16, 9)}?on=2025-06-01`,
      ),
    );
    reportLatencies(report, 'one entry by code, 4 callers', entry);

    const d0 = performance.now();
    const csv = await downloadCatalogueCsv({ apiUrl: cloud.apiUrl, token: his, region: '330900', on: '2025-06-01' });
    const lines = csv.split('\n').length - 2;
    report({
      name: `download of the catalogue in force (CSV, pages of 10,000)`,
      value: lines / ((performance.now() - d0) / 1000),
      unit: 'rows/s',
      note: `${lines} rows, ${(csv.length / 1e6).toFixed(1)} MB`,
    });
    report({ name: 'peak RSS', value: peakRssMb(), unit: 'MB' });
  } finally {
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
