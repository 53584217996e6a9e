// The child of crash.test.js: reopens the database (recovering whatever the
// last SIGKILL left), checks it, then streams visit.record commands until it
// is killed. Protocol on stdout, one line each (stdout to a pipe is
// synchronous in Node on Linux, so a line is out before the next step):
//   {"check": {...}}   what the reopen found for the ids in <checks.json>
//   {"sent": id}       about to dispatch
//   {"acked": id}      dispatch resolved: the commit is durable
// usage: node crash_child.js DIR ROUND CHECKS_JSON
import fs from 'node:fs';
import { open } from '../../../offline/src/index.js';
import { kSetupAt, visitWithTwoFindings } from './world.js';

export const kHouseholds = 40;

export async function inspect(rt, ids) {
  const found = {};
  const byHousehold = new Map();
  for (const { id, household } of ids) {
    if (!byHousehold.has(household)) {
      const v = await rt.query('visits.list', { actor: 'admin', household_id: household,
        limit: 2000 });
      byHousehold.set(household, new Set(v.visits.map((x) => x.id)));
    }
    const item = async (n) => {
      try {
        await rt.query('item.detail', { actor: 'admin', item_id: `${id}.${n}` });
        return 1;
      } catch (e) {
        if (e.reason !== 'item.not_found') throw e;
        return 0;
      }
    };
    found[id] = [byHousehold.get(household).has(id) ? 1 : 0, await item(1), await item(2)];
  }
  return found;
}

async function main() {
  const [dir, round, checksPath] = process.argv.slice(2);
  const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const rt = await open({ host: 'node', name: 'crash.db', dir });
  let integrity;
  try {
    integrity = (await rt.integrityCheck()).integrity;
  } catch (e) {
    integrity = `${e.reason}: ${e.message}`;
  }
  const ids = JSON.parse(fs.readFileSync(checksPath, 'utf8'));
  say({ check: { integrity, found: await inspect(rt, ids) } });
  for (let i = 0; ; ++i) {
    const id = `r${round}-${i}`;
    const household = `hx${i % kHouseholds}`;
    say({ sent: id, household });
    await rt.dispatch(visitWithTwoFindings(id, household, kSetupAt + Number(round) * 100000 + i));
    say({ acked: id });
  }
}

if (process.argv[1] && process.argv[1].endsWith('crash_child.js')) {
  main().catch((e) => {
    process.stdout.write(`${JSON.stringify({ error: String(e && e.stack || e) })}\n`);
    process.exit(3);
  });
}
