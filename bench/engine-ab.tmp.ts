import { settle } from '../shared/settlement/engine.ts';
import { exampleMember, exampleProvider, generatedInpatientBill, seededRandom } from '../shared/settlement/examples.ts';
import { shippedPolicy } from '../shared/settlement/shipped-policies.ts';
const random = seededRandom(1);
const bills = Array.from({ length: 500 }, (_, i) => generatedInpatientBill(random, `IP-${i}`));
const policy = shippedPolicy('zhoushan-resident', 2023);
const member = exampleMember();
const provider = exampleProvider('secondary');
for (let round = 0; round < 4; round++) {
  let n = 0; const c0 = process.cpuUsage(); const t = performance.now();
  while (performance.now() - t < 2000) { settle({ bill: bills[n % 500]!, member, provider, policy, yearToDate: {} }); n++; }
  const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1e6;
  console.log(round, Math.round(n / cpu), 'claims per CPU-second', `(cpu ${cpu.toFixed(2)} s of 2 s wall)`);
}
