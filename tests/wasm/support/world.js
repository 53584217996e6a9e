// A small world built through commands only (the shape of the core tests'
// WorldTest): district d1 > street s1 > community c1 > grids g1, g2 >
// micro-grids mg1, mg2 (g1) and mg3 (g2); buildings b1, b2 (mg1), b3 (mg2),
// b4 (mg3); households h1..h6; workers, grid heads, captains, residents.
// Runs in Node and in the browser.
export const kSetupAt = Date.UTC(2026, 10, 1);
export const kCycle = '2026-11';

export function sha(n) {
  return 'a'.repeat(48) + n.toString(16).padStart(16, '0');
}

export function cmd(id, type, actor, at, payload) {
  return { id, type, actor, at, payload };
}

/** The commands that build the world, in order (after bootstrap('admin')). */
export function worldCommands(extraHouseholds = 0) {
  const out = [];
  let n = 0;
  const run = (type, payload) => out.push(cmd(`setup-${++n}`, type, 'admin', kSetupAt, payload));
  const region = (id, parent, level) => {
    const p = { id, level, name: `Region ${id}` };
    if (parent) p.parent_id = parent;
    run('region.upsert', p);
  };
  region('d1', null, 'district');
  region('s1', 'd1', 'street');
  region('c1', 's1', 'community');
  region('g1', 'c1', 'grid');
  region('g2', 'c1', 'grid');
  region('mg1', 'g1', 'microgrid');
  region('mg2', 'g1', 'microgrid');
  region('mg3', 'g2', 'microgrid');
  run('department.upsert', { id: 'dept_prop', name: 'Property Co', kind: 'property' });
  for (const [b, mg] of [['b1', 'mg1'], ['b2', 'mg1'], ['b3', 'mg2'], ['b4', 'mg3']]) {
    run('building.upsert', { id: b, microgrid_id: mg, name: `Building ${b}` });
  }
  let room = 100;
  const households = [['h1', 'b1'], ['h2', 'b1'], ['h3', 'b2'], ['h4', 'b3'], ['h5', 'b3'],
    ['h6', 'b4']];
  for (let i = 0; i < extraHouseholds; ++i) households.push([`hx${i}`, 'b2']);
  for (const [h, b] of households) {
    run('household.upsert', { id: h, building_id: b, unit: '1', floor: 1, room: String(++room),
      head_name: `Head ${h}` });
  }
  const grants = [['head1', 'grid_head', 'g1'], ['head2', 'grid_head', 'g2'],
    ['worker1', 'worker', 'mg1'], ['worker2', 'worker', 'mg2'], ['worker3', 'worker', 'mg3'],
    ['captain1', 'captain', 'b1'], ['resident1', 'resident', 'h1'], ['nobody', null, null]];
  for (const [person, role, scope] of grants) {
    run('person.upsert', { id: person, name: `Person ${person}` });
    if (role) run('role.grant', { person_id: person, role, scope_id: scope });
  }
  return out;
}

/** Bootstraps and builds the world on an open runtime. */
export async function buildWorld(rt, extraHouseholds = 0) {
  await rt.bootstrap('admin', 'Admin', kSetupAt);
  for (const c of worldCommands(extraHouseholds)) await rt.dispatch(c);
}

/** A visit that met the household and found two problems (the bench's shape). */
export function visitWithTwoFindings(id, household, at, worker = 'worker1') {
  return cmd(id, 'visit.record', worker, at, {
    visit_id: id.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 56),
    household_id: household,
    cycle: kCycle,
    outcome: 'met',
    notes: 'knocked; two problems found',
    photos: [sha(1)],
    findings: [
      { category: 'fire_safety', title: 'E-bike flying wire', deadline_days: 3, photos: [sha(2)] },
      { category: 'sanitation', title: 'Dead corner in the stairwell', deadline_days: 7 },
    ],
  });
}
