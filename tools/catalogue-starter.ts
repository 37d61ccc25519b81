/**
 * `npx tsx tools/catalogue-starter.ts`: writes the ILLUSTRATIVE starter catalogues under catalogues/
 * (the national list 000000 and the Zhoushan 330900 addition), committed as data.
 *
 * The names are real generic names and the code SHAPES are those of the NHSA code standards
 * (shared/catalogue/entry.ts), but every code, class, ratio, price and scope here is made up for the
 * demo and the tests: these are not the published 医保目录. A real catalogue is imported from the
 * agency's file the same way (`npm run catalogue -- import …`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLUMNS, type Column } from '../shared/catalogue/entry.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
type Row = Partial<Record<Column, string>>;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Western drugs: ATC-like class, generic name, name-code letter, class, forms with specs, and an optional scope. */
const WESTERN: [string, string, string, 'A' | 'B' | 'C', [string, string[]][], Row?][] = [
  [
    'J01CA',
    '阿莫西林',
    'A',
    'A',
    [
      ['胶囊', ['0.25g', '0.5g']],
      ['片剂', ['0.25g']],
      ['颗粒剂', ['0.125g']],
    ],
  ],
  [
    'J01CR',
    '阿莫西林克拉维酸钾',
    'A',
    'B',
    [
      ['片剂', ['0.375g', '0.457g']],
      ['注射剂', ['1.2g']],
    ],
  ],
  [
    'J01DC',
    '头孢呋辛',
    'T',
    'A',
    [
      ['片剂', ['0.25g']],
      ['注射剂', ['0.75g', '1.5g']],
    ],
  ],
  ['J01DD', '头孢曲松', 'T', 'A', [['注射剂', ['0.5g', '1g', '2g']]]],
  ['J01DE', '头孢吡肟', 'T', 'B', [['注射剂', ['1g']]], { scopeText: '限二级及以上医疗机构重症感染', scopeLevels: 'secondary;tertiary' }],
  [
    'J01FA',
    '阿奇霉素',
    'A',
    'A',
    [
      ['片剂', ['0.25g']],
      ['注射剂', ['0.5g']],
      ['干混悬剂', ['0.1g']],
    ],
  ],
  [
    'J01MA',
    '左氧氟沙星',
    'Z',
    'A',
    [
      ['片剂', ['0.5g']],
      ['注射剂', ['0.5g']],
    ],
    { scopeAgeFrom: '18', scopeText: '限18岁及以上' },
  ],
  ['J01DH', '美罗培南', 'M', 'B', [['注射剂', ['0.5g', '1g']]], { scopeText: '限多重耐药的重症感染', scopeLevels: 'tertiary' }],
  ['J05AF', '恩替卡韦', 'E', 'A', [['片剂', ['0.5mg', '1mg']]], { scopeIcd10: 'B18', scopeText: '限慢性乙型肝炎' }],
  [
    'J05AB',
    '阿昔洛韦',
    'A',
    'A',
    [
      ['片剂', ['0.2g']],
      ['乳膏', ['3%']],
    ],
  ],
  [
    'N02BE',
    '对乙酰氨基酚',
    'D',
    'A',
    [
      ['片剂', ['0.5g']],
      ['混悬液', ['3.2%']],
    ],
  ],
  ['N02BA', '阿司匹林', 'A', 'A', [['肠溶片', ['25mg', '100mg']]]],
  [
    'M01AE',
    '布洛芬',
    'B',
    'A',
    [
      ['缓释胶囊', ['0.3g']],
      ['混悬液', ['2%']],
    ],
  ],
  ['M01AH', '塞来昔布', 'S', 'B', [['胶囊', ['0.2g']]], { scopeText: '限二线用药', scopeMaxDays: '30' }],
  [
    'C07AB',
    '美托洛尔',
    'M',
    'A',
    [
      ['片剂', ['25mg', '50mg']],
      ['缓释片', ['47.5mg']],
    ],
  ],
  ['C08CA', '氨氯地平', 'A', 'A', [['片剂', ['5mg']]]],
  [
    'C08CA',
    '硝苯地平',
    'X',
    'A',
    [
      ['控释片', ['30mg']],
      ['缓释片', ['20mg']],
    ],
  ],
  ['C09AA', '依那普利', 'Y', 'A', [['片剂', ['5mg', '10mg']]]],
  ['C09CA', '缬沙坦', 'X', 'B', [['胶囊', ['80mg']]]],
  ['C09CA', '厄贝沙坦', 'E', 'B', [['片剂', ['150mg']]]],
  ['C10AA', '阿托伐他汀', 'A', 'B', [['片剂', ['10mg', '20mg']]], { scopeMaxDays: '90', scopeText: '单张处方不超过12周' }],
  ['C10AA', '瑞舒伐他汀', 'R', 'B', [['片剂', ['10mg']]]],
  [
    'B01AC',
    '氯吡格雷',
    'L',
    'B',
    [['片剂', ['75mg']]],
    { scopeIcd10: 'I20;I21;I24;I25;I63', scopeText: '限急性冠脉综合征、冠心病支架术后及缺血性脑卒中患者' },
  ],
  [
    'B01AF',
    '利伐沙班',
    'L',
    'B',
    [['片剂', ['10mg', '15mg']]],
    { scopeIcd10: 'I48;I26;I80;Z96.6', scopeText: '限髋膝关节置换术后、房颤及静脉血栓患者' },
  ],
  ['B01AB', '低分子肝素钙', 'D', 'B', [['注射剂', ['4100IU']]]],
  [
    'B05AA',
    '人血白蛋白',
    'R',
    'B',
    [['注射剂', ['10g']]],
    {
      scopeText: '限抢救、重症或因肝硬化、癌症引起胸腹水且白蛋白低于30g/L的患者',
      scopeLevels: 'secondary;tertiary',
      scopeIcd10: 'K74;R18;C78',
    },
  ],
  [
    'A10BA',
    '二甲双胍',
    'E',
    'A',
    [
      ['片剂', ['0.25g', '0.5g']],
      ['缓释片', ['0.5g']],
    ],
  ],
  ['A10BB', '格列美脲', 'G', 'A', [['片剂', ['1mg', '2mg']]]],
  ['A10BH', '西格列汀', 'X', 'B', [['片剂', ['100mg']]], { scopeIcd10: 'E11', scopeText: '限2型糖尿病' }],
  [
    'A10BK',
    '达格列净',
    'D',
    'B',
    [['片剂', ['10mg']]],
    { scopeIcd10: 'E11;I50;N18', negotiated: 'Y', dualChannel: 'Y', paymentStandard: '3.07' },
  ],
  ['A10BK', '恩格列净', 'E', 'B', [['片剂', ['10mg']]], { scopeIcd10: 'E11;I50', negotiated: 'Y', paymentStandard: '3.14' }],
  [
    'A10AE',
    '甘精胰岛素',
    'G',
    'B',
    [['注射剂', ['3ml:300单位']]],
    { scopeIcd10: 'E10;E11', scopeText: '限1型糖尿病或其他胰岛素不能控制的2型糖尿病' },
  ],
  ['A10AB', '门冬胰岛素', 'M', 'B', [['注射剂', ['3ml:300单位']]]],
  [
    'A02BC',
    '奥美拉唑',
    'A',
    'A',
    [
      ['肠溶胶囊', ['20mg']],
      ['注射剂', ['40mg']],
    ],
  ],
  ['A02BC', '泮托拉唑', 'P', 'B', [['注射剂', ['40mg']]], { scopeText: '限有禁食医嘱或吞咽困难的患者' }],
  ['A03FA', '多潘立酮', 'D', 'A', [['片剂', ['10mg']]]],
  ['A07DA', '蒙脱石', 'M', 'A', [['散剂', ['3g']]]],
  ['A11CC', '骨化三醇', 'G', 'B', [['胶囊', ['0.25μg']]]],
  ['A11GA', '维生素C', 'W', 'C', [['片剂', ['0.1g']]]],
  ['A11DA', '维生素B1', 'W', 'A', [['片剂', ['10mg']]]],
  [
    'R05CB',
    '氨溴索',
    'A',
    'A',
    [
      ['片剂', ['30mg']],
      ['口服溶液', ['0.3%']],
    ],
  ],
  ['R03AC', '沙丁胺醇', 'S', 'A', [['气雾剂', ['100μg']]]],
  ['R03BA', '布地奈德', 'B', 'B', [['吸入混悬液', ['1mg']]]],
  ['R06AE', '西替利嗪', 'X', 'A', [['片剂', ['10mg']]]],
  [
    'H02AB',
    '地塞米松',
    'D',
    'A',
    [
      ['注射剂', ['5mg']],
      ['片剂', ['0.75mg']],
    ],
  ],
  ['H03AA', '左甲状腺素', 'Z', 'A', [['片剂', ['50μg']]]],
  ['G03DB', '地屈孕酮', 'D', 'B', [['片剂', ['10mg']]], { scopeSex: 'F', scopeText: '限女性' }],
  ['G04CA', '坦索罗辛', 'T', 'B', [['缓释胶囊', ['0.2mg']]], { scopeSex: 'M', scopeText: '限男性良性前列腺增生' }],
  [
    'B03XA',
    '重组人促红素',
    'C',
    'B',
    [['注射剂', ['3000IU']]],
    { scopeIcd10: 'N18', scopeChronicOnly: 'Y', scopeText: '限肾性贫血（门诊慢特病）' },
  ],
  [
    'L01FF',
    '信迪利单抗',
    'X',
    'B',
    [['注射剂', ['100mg']]],
    { negotiated: 'Y', dualChannel: 'Y', paymentStandard: '1080.00', scopeIcd10: 'C34;C22;C16;C15;C81', scopeLevels: 'secondary;tertiary' },
  ],
  [
    'L01EB',
    '奥希替尼',
    'A',
    'B',
    [['片剂', ['80mg']]],
    { negotiated: 'Y', dualChannel: 'Y', paymentStandard: '152.00', scopeIcd10: 'C34' },
  ],
  ['L02BG', '来曲唑', 'L', 'A', [['片剂', ['2.5mg']]], { scopeSex: 'F', scopeIcd10: 'C50' }],
  ['N05BA', '地西泮', 'D', 'A', [['片剂', ['2.5mg']]]],
  ['N06AB', '舍曲林', 'S', 'B', [['片剂', ['50mg']]]],
  ['N03AX', '左乙拉西坦', 'Z', 'B', [['片剂', ['0.5g']]]],
  ['S01AA', '左氧氟沙星滴眼液', 'Z', 'A', [['滴眼剂', ['5ml:24.4mg']]]],
  ['D07AC', '糠酸莫米松', 'K', 'B', [['乳膏', ['0.1%']]]],
  ['V03AB', '纳洛酮', 'N', 'A', [['注射剂', ['0.4mg']]]],
  ['B05BB', '氯化钠', 'L', 'A', [['注射剂', ['0.9%:100ml', '0.9%:250ml', '0.9%:500ml']]]],
  ['B05BA', '葡萄糖', 'P', 'A', [['注射剂', ['5%:250ml', '10%:500ml']]]],
  ['N01BB', '利多卡因', 'L', 'A', [['注射剂', ['5ml:0.1g']]]],
  ['M05BA', '阿仑膦酸钠', 'A', 'B', [['片剂', ['70mg']]], { scopeIcd10: 'M80;M81', scopeText: '限骨质疏松' }],
  ['J07BB', '流感疫苗', 'L', 'C', [['注射剂', ['0.5ml']]]],
];

/** How a form reads after a generic name (阿莫西林 + 胶囊, 头孢曲松 + 注射液); a form not listed is appended as is. */
const FORM_SUFFIX: Record<string, string> = { 片剂: '片', 注射剂: '注射液', 颗粒剂: '颗粒', 散剂: '散', 滴眼剂: '' };
const FORMS: Record<string, string> = {};
let formSeq = 0;
const formCode = (form: string) => (FORMS[form] ??= `${String.fromCharCode(65 + (formSeq % 26))}${pad(1 + formSeq++, 3)}`);

/** Patent Chinese medicines (中成药): class, name, name-code letter, class, forms, scope. */
const PATENT: [string, string, string, 'A' | 'B' | 'C', string[], Row?][] = [
  ['A01AA', '感冒清热颗粒', 'G', 'A', ['颗粒剂']],
  ['A01AA', '银翘解毒片', 'Y', 'A', ['片剂']],
  ['A01AB', '连花清瘟胶囊', 'L', 'B', ['胶囊', '颗粒剂']],
  ['A01AB', '小儿豉翘清热颗粒', 'X', 'B', ['颗粒剂'], { scopeAgeBelow: '18', scopeText: '限儿童' }],
  ['A04CA', '六味地黄丸', 'L', 'A', ['丸剂']],
  ['A04CA', '金匮肾气丸', 'J', 'B', ['丸剂']],
  ['A06AA', '复方丹参滴丸', 'F', 'A', ['滴丸']],
  ['A06AA', '麝香保心丸', 'S', 'A', ['丸剂']],
  [
    'A06AB',
    '血塞通注射液',
    'X',
    'B',
    ['注射剂'],
    { scopeIcd10: 'I63', scopeLevels: 'secondary;tertiary', scopeText: '限二级及以上医疗机构缺血性脑卒中急性期' },
  ],
  ['A07AA', '藿香正气水', 'H', 'A', ['酊剂']],
  ['A08AA', '板蓝根颗粒', 'B', 'A', ['颗粒剂']],
  ['A09AA', '通心络胶囊', 'T', 'B', ['胶囊']],
  ['A10AA', '逍遥丸', 'X', 'A', ['丸剂']],
  ['A11AA', '云南白药胶囊', 'Y', 'A', ['胶囊']],
  ['A11AB', '跌打丸', 'D', 'A', ['丸剂']],
  ['A12AA', '乌鸡白凤丸', 'W', 'B', ['丸剂'], { scopeSex: 'F' }],
  ['A13AA', '蒲地蓝消炎口服液', 'P', 'B', ['口服液']],
  ['A14AA', '阿胶', 'E', 'C', ['块剂']],
  ['A15AA', '安宫牛黄丸', 'A', 'A', ['丸剂'], { scopeText: '限高热惊厥或中风昏迷', scopeIcd10: 'I61;I63;R56;R40' }],
  ['A16AA', '参松养心胶囊', 'S', 'B', ['胶囊']],
];

const HERBAL: [string, 'A' | 'B' | 'C', Row?][] = [
  ['黄芪', 'A'],
  ['当归', 'A'],
  ['党参', 'A'],
  ['白术', 'A'],
  ['茯苓', 'A'],
  ['甘草', 'A'],
  ['川芎', 'A'],
  ['白芍', 'A'],
  ['熟地黄', 'A'],
  ['陈皮', 'A'],
  ['半夏', 'A'],
  ['柴胡', 'A'],
  ['黄芩', 'A'],
  ['金银花', 'A'],
  ['连翘', 'A'],
  ['板蓝根', 'A'],
  ['丹参', 'A'],
  ['三七', 'B'],
  ['红花', 'A'],
  ['桃仁', 'A'],
  ['枸杞子', 'A'],
  ['山药', 'A'],
  ['麦冬', 'A'],
  ['五味子', 'A'],
  ['酸枣仁', 'A'],
  ['海螵蛸', 'A'],
  ['牡蛎', 'A'],
  ['西洋参', 'B'],
  ['人参', 'B'],
  ['冬虫夏草', 'C'],
  ['鹿茸', 'C'],
  ['燕窝', 'C'],
  ['玛卡', 'C'],
  ['石斛', 'B'],
  ['灵芝', 'B'],
  ['天麻', 'B'],
  ['川贝母', 'B'],
  ['羚羊角', 'B'],
  ['蜈蚣', 'A'],
  ['全蝎', 'A'],
];

const CONSUMABLES: [string, 'A' | 'B' | 'C', string, Row?][] = [
  ['一次性使用无菌注射器', 'A', '5ml', { priceLimit: '0.80' }],
  ['一次性使用输液器', 'A', '带针', { priceLimit: '3.50' }],
  ['医用外科口罩', 'C', '17.5cm×9.5cm'],
  ['一次性使用导尿包', 'B', '16Fr', { priceLimit: '38.00' }],
  ['中心静脉导管', 'B', '双腔', { priceLimit: '680.00', scopeLevels: 'secondary;tertiary' }],
  [
    '冠状动脉药物洗脱支架',
    'B',
    '3.0×18mm',
    { priceLimit: '798.00', scopeIcd10: 'I20;I21;I25', scopeLevels: 'tertiary', scopeText: '限三级医疗机构冠心病介入治疗' },
  ],
  ['冠状动脉球囊扩张导管', 'B', '2.5×15mm', { priceLimit: '290.00' }],
  ['人工髋关节（国产）', 'B', '陶瓷-聚乙烯', { priceLimit: '7000.00' }],
  ['人工髋关节（进口）', 'B', '陶瓷-陶瓷', { priceLimit: '12000.00', fundRatio: '60%', scopeText: '进口植入材料按单独比例支付' }],
  ['人工膝关节（国产）', 'B', '后稳定型', { priceLimit: '5000.00' }],
  ['人工晶状体', 'B', '非球面折叠', { priceLimit: '1200.00', scopeIcd10: 'H25;H26' }],
  ['骨科接骨板', 'B', '锁定型', { priceLimit: '1500.00' }],
  ['吻合器', 'B', '管型', { priceLimit: '1800.00' }],
  ['可吸收缝线', 'A', '2-0', { priceLimit: '45.00' }],
  ['医用敷料', 'A', '10cm×10cm', { priceLimit: '5.00' }],
  ['血液透析器', 'B', '1.6m²', { priceLimit: '120.00', scopeIcd10: 'N18;N17' }],
  ['胰岛素笔用针头', 'B', '32G', { priceLimit: '1.60', scopeIcd10: 'E10;E11' }],
  ['心脏起搏器', 'B', '双腔', { priceLimit: '25000.00', scopeLevels: 'tertiary', fundRatio: '70%' }],
  ['血糖试纸', 'C', '50片'],
  ['医用弹力袜', 'C', '中压'],
];

/** Medical services (医疗服务项目): name, class, unit, price limit (yuan), scope. */
const SERVICES: [string, 'A' | 'B' | 'C', string, string, Row?][] = [
  ['普通门诊诊察费', 'A', '次', '10.00'],
  ['副主任医师门诊诊察费', 'A', '次', '25.00'],
  ['主任医师门诊诊察费', 'A', '次', '35.00'],
  ['急诊监护费', 'A', '小时', '6.00'],
  ['床位费（三人间）', 'A', '日', '40.00'],
  ['床位费（单人间）', 'B', '日', '120.00', { scopeText: '超出三人间标准部分自付' }],
  ['重症监护床位费', 'A', '日', '200.00'],
  ['一级护理', 'A', '日', '30.00'],
  ['二级护理', 'A', '日', '20.00'],
  ['静脉输液', 'A', '组', '8.00'],
  ['肌肉注射', 'A', '次', '3.00'],
  ['血常规（五分类）', 'A', '次', '20.00'],
  ['尿常规', 'A', '次', '10.00'],
  ['肝功能全套', 'A', '次', '60.00'],
  ['肾功能三项', 'A', '次', '30.00'],
  ['血脂四项', 'A', '次', '40.00'],
  ['糖化血红蛋白', 'A', '次', '60.00'],
  ['乙型肝炎病毒DNA定量', 'B', '次', '150.00', { scopeIcd10: 'B18;B19;Z22' }],
  ['心电图（十二导联）', 'A', '次', '25.00'],
  ['动态心电图', 'B', '次', '180.00'],
  ['胸部X线摄影', 'A', '次', '60.00'],
  ['CT平扫（头颅）', 'B', '次', '200.00'],
  ['CT增强（胸部）', 'B', '次', '450.00', { scopeLevels: 'secondary;tertiary' }],
  ['磁共振平扫（1.5T）', 'B', '次', '550.00', { scopeLevels: 'secondary;tertiary' }],
  ['彩色多普勒超声（腹部）', 'A', '次', '120.00'],
  ['胃镜检查', 'A', '次', '200.00'],
  ['无痛胃镜麻醉', 'B', '次', '300.00'],
  ['血液透析', 'A', '次', '420.00', { scopeIcd10: 'N18;N17' }],
  ['针刺', 'A', '次', '25.00'],
  ['推拿治疗', 'A', '次', '40.00'],
  ['中药熏洗', 'B', '次', '50.00'],
  ['康复评定', 'B', '次', '60.00'],
  ['阑尾切除术', 'A', '次', '900.00'],
  ['腹腔镜下胆囊切除术', 'A', '次', '1800.00'],
  ['经皮冠状动脉支架置入术', 'A', '次', '3500.00', { scopeLevels: 'tertiary' }],
  ['人工髋关节置换术', 'A', '次', '3000.00'],
  ['剖宫产术', 'A', '次', '1500.00', { scopeSex: 'F' }],
  ['白内障超声乳化摘除术', 'A', '次', '1500.00'],
  ['体检套餐（健康查体）', 'C', '次', '300.00'],
  ['美容激光治疗', 'C', '次', '500.00'],
];

function national(): Row[] {
  const rows: Row[] = [];
  let nameSeq = 0;
  for (const [klass, name, letter, cls, forms, scope] of WESTERN) {
    const nameCode = `${letter}${pad(40 + nameSeq++ * 3, 3)}`;
    let spec = 0;
    for (const [form, specs] of forms) {
      for (const s of specs) {
        spec++;
        // Two manufacturers of each specification (the last five digits): one generic, several codes, as in the real list.
        for (const maker of [0, 1]) {
          rows.push({
            code: `X${klass}${nameCode}${formCode(form)}${pad(spec, 2)}0${maker + 1}${pad(10_000 + rows.length, 5)}`,
            name: `${name}${FORM_SUFFIX[form] ?? form}`,
            kind: 'western',
            form,
            spec: s,
            class: cls,
            ...scope,
          });
        }
      }
    }
  }
  nameSeq = 0;
  for (const [klass, name, letter, cls, forms, scope] of PATENT) {
    const nameCode = `${letter}${pad(10 + nameSeq++ * 7, 3)}`;
    forms.forEach((form, i) => {
      rows.push({
        code: `Z${klass}${nameCode}${formCode(form)}${pad(i + 1, 2)}01${pad(20_000 + rows.length, 5)}`,
        name,
        kind: 'patent',
        form,
        spec: i === 0 ? '标准规格' : '小规格',
        class: cls,
        ...scope,
      });
    });
  }
  HERBAL.forEach(([name, cls, scope], i) => {
    rows.push({ code: `T${pad(100_000 + i * 37, 9)}`, name, kind: 'herbal', form: '饮片', unit: '克', class: cls, ...scope });
  });
  CONSUMABLES.forEach(([name, cls, spec, scope], i) => {
    const category = pad(1 + (i % 14), 2);
    rows.push({
      code: `C${category}${pad(1 + (i % 5), 2)}${pad(1 + (i % 3), 2)}${pad(10 + i, 3)}${pad(1 + (i % 4), 3)}${pad(i + 1, 4)}${pad(10_000 + i, 10)}`,
      name,
      kind: 'consumable',
      spec,
      unit: '个',
      class: cls,
      ...scope,
    });
  });
  SERVICES.forEach(([name, cls, unit, price, scope], i) => {
    rows.push({
      code: `00${pad(11 + Math.floor(i / 8), 2)}${pad(1 + (i % 8), 2)}${pad(1 + i, 5)}0000`,
      name,
      kind: 'service',
      unit,
      class: cls,
      priceLimit: price,
      ...scope,
    });
  });
  // 乙 items at a region's default first self-pay unless the region sets its own (the Zhoushan file does, for some).
  return rows;
}

/** Zhoushan's addition: local price items, local herbal pieces, and overrides of national entries. */
function zhoushan(nationalRows: Row[]): Row[] {
  const rows: Row[] = [];
  const find = (name: string) => nationalRows.find((r) => r.name === name)!;
  // Overrides: Zhoushan sets its own first self-pay on some 乙 items, and lists 三七 as 甲 locally.
  for (const [name, ratio] of [
    ['氯吡格雷片', '5%'],
    ['阿托伐他汀片', '5%'],
    ['达格列净片', '0%'],
    ['连花清瘟胶囊', '10%'],
  ] as const) {
    rows.push({ ...find(name), firstSelfPay: ratio });
  }
  const sanqi = find('三七');
  rows.push({ ...sanqi, class: 'A' });
  // Local services with the province's price-item suffix.
  const local: [string, 'A' | 'B' | 'C', string, string, Row?][] = [
    ['海岛巡回医疗诊察费', 'A', '次', '15.00'],
    ['家庭医生签约服务费', 'A', '人·年', '120.00'],
    ['远程会诊（海岛）', 'A', '次', '150.00'],
    ['高压氧治疗', 'B', '次', '120.00', { scopeIcd10: 'T70;T59;I63' }],
    ['潜水减压病加压治疗', 'A', '次', '300.00', { scopeIcd10: 'T70.3' }],
    ['中医定向透药', 'B', '次', '30.00'],
    ['海上急救转运费', 'A', '次', '800.00'],
    ['渔民职业健康检查', 'C', '次', '200.00'],
  ];
  local.forEach(([name, cls, unit, price, scope], i) => {
    rows.push({
      code: `0033${pad(1 + i, 2)}${pad(900 + i, 5)}0000-3309${pad(i + 1, 4)}`,
      name,
      kind: 'service',
      unit,
      class: cls,
      priceLimit: price,
      ...scope,
    });
  });
  // Local herbal pieces (浙八味 and marine ones) not in the national list.
  ['浙贝母', '杭白芍', '玄参', '延胡索', '温郁金', '麦冬（浙）', '海藻', '昆布', '瓦楞子', '石决明'].forEach((name, i) => {
    rows.push({ code: `T${pad(330_900_000 + i * 11, 9)}`, name, kind: 'herbal', form: '饮片', unit: '克', class: i < 8 ? 'A' : 'B' });
  });
  return rows;
}

function csv(rows: Row[]): string {
  const cell = (v: string | undefined) => (v === undefined ? '' : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

function write(region: string, rows: Row[], manifest: object) {
  const dir = join(ROOT, 'catalogues', region);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'v1.csv'), csv(rows));
  writeFileSync(join(dir, 'v1.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`catalogues/${region}/v1.csv: ${rows.length} entries\n`);
}

const ILLUSTRATIVE =
  'illustrative starter catalogue: real names and code shapes, made-up codes, classes, prices and scopes (tools/catalogue-starter.ts)';
const nationalRows = national();
write('000000', nationalRows, {
  region: '000000',
  version: 1,
  effectiveFrom: '2025-01-01',
  title: 'National list (illustrative starter: 国家医保目录 shape)',
  source: { illustrative: ILLUSTRATIVE },
});
write('330900', zhoushan(nationalRows), {
  region: '330900',
  version: 1,
  effectiveFrom: '2025-01-01',
  title: 'Zhoushan addition (illustrative starter: 舟山 regional items and overrides)',
  source: { illustrative: ILLUSTRATIVE },
});
