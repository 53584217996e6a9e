// The visit.record workload of bench/weige_bench.cc, in wasm: a door-knock
// template whose answers make two findings, so each visit opens two items;
// one command per transaction.
import { buildWorld, cmd, kSetupAt } from '../support/world.js';

export const kBenchHouseholds = 300;

const kTemplate = {
  id: 'door_knock', version: 2, title: '敲门行动入户表',
  questions: [
    { key: 'ebike_wire', kind: 'yes_no', label: '电动车飞线充电?', required: true },
    { key: 'fire_lane', kind: 'yes_no', label: '楼道堵塞?', required: true },
    { key: 'elderly_alone', kind: 'yes_no', label: '独居老人?' },
    { key: 'housing', kind: 'choice', label: '房屋', options: ['自住', '出租', '空置'] },
    { key: 'residents', kind: 'number', label: '人数', min: 0, max: 50 },
    { key: 'gas', kind: 'choice', label: '燃气', options: ['正常', '隐患'] },
    { key: 'fraud_leaflet', kind: 'yes_no', label: '反诈传单' },
    { key: 'fraud_app', kind: 'yes_no', label: '反诈App' },
  ],
  rules: [
    { question: 'ebike_wire', equals: true,
      finding: { category: 'fire_safety', title: '电动车飞线充电', deadline_days: 3 } },
    { question: 'fire_lane', equals: true,
      finding: { category: 'fire_safety', title: '楼道堵塞', deadline_days: 7 } },
  ],
};

export async function setUpWorkload(rt) {
  await buildWorld(rt, kBenchHouseholds);
  await rt.dispatch(cmd('bench-template', 'template.publish', 'admin', kSetupAt, { template: kTemplate }));
}

export function visitCommand(run, i) {
  const id = `bv${run}-${i}`;
  return JSON.stringify(cmd(id, 'visit.record', 'worker1', kSetupAt + 3600000 + i, {
    visit_id: id,
    household_id: `hx${i % kBenchHouseholds}`,
    cycle: `2026-${String(run % 12 + 1).padStart(2, '0')}`,
    outcome: 'met',
    template_id: 'door_knock',
    template_version: 2,
    answers: { ebike_wire: true, fire_lane: true, elderly_alone: false, housing: '出租',
      residents: 3, gas: '正常', fraud_leaflet: true, fraud_app: false },
    notes: '入户走访，发现飞线充电和楼道堵塞',
    gps: { lat: 39.9, lng: 116.65 },
  }));
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
}
