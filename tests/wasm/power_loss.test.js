// Power loss on a device (support/power_loss_host.js): the host throws away
// every write since the last sync at a random moment (the n-th write,
// truncate or sync of a stream of visit.record dispatches, checkpoints
// included), WEIGE_POWER_LOSS_ROUNDS times (default 40). After each cut the
// next boot opens the database: PRAGMA integrity_check is ok, every command
// acknowledged before the cut is there whole (a dispatch resolves only once
// its commit is synced, synchronous=full), and the one in flight is all or
// nothing. With WEIGE_CRASH_REPORT set, the figures are appended there as a
// JSON line.
import fs from 'node:fs';
import { open } from '../../offline/src/index.js';
import { inspect } from './support/crash_child.js';
import { createDisk, createPowerLossHost } from './support/power_loss_host.js';
import { buildWorld, kSetupAt, visitWithTwoFindings } from './support/world.js';

const rounds = Number(process.env.WEIGE_POWER_LOSS_ROUNDS || 40);
const kHouseholds = 20;

test(`power cut at random writes, ${rounds} times: nothing acknowledged is lost`, async () => {
  const disk = createDisk();
  const first = await open({ host: createPowerLossHost(disk), name: 'pl.db' });
  await buildWorld(first, kHouseholds);
  await first.close();

  const acked = new Map(); // id -> household, over all rounds
  let inFlight = []; // sent, not acknowledged, before the last cut
  let cuts = 0;
  let integrityFailures = 0;
  let lost = 0;
  let halfApplied = 0;
  for (let round = 0; round < rounds; ++round) {
    const host = createPowerLossHost(disk);
    const rt = await open({ host, name: 'pl.db' });
    const integrity = (await rt.integrityCheck()).integrity;
    if (integrity !== 'ok') integrityFailures++;
    const mustHave = [...acked].map(([id, household]) => ({ id, household }));
    // Every round checks the newest acknowledged ones and, now and then, all.
    const check = round % 10 === 9 || round === rounds - 1 ? mustHave : mustHave.slice(-40);
    const found = await inspect(rt, [...check, ...inFlight]);
    for (const c of check) if (found[c.id].join() !== '1,1,1') lost++;
    for (const c of inFlight) {
      const f = found[c.id];
      if (!(f[0] === f[1] && f[1] === f[2])) halfApplied++;
    }
    inFlight = [];

    host.cutAfter(1 + Math.floor(Math.random() * 120));
    for (let i = 0; i < 200 && !host.dead; ++i) {
      const id = `p${round}-${i}`;
      const household = `hx${i % kHouseholds}`;
      try {
        await rt.dispatch(visitWithTwoFindings(id, household, kSetupAt + round * 1000 + i));
        acked.set(id, household);
      } catch (e) {
        if (!host.dead) throw e;
        inFlight.push({ id, household });
      }
    }
    host.cut('idle');
    cuts++;
    // The runtime is abandoned, as a dead phone's would be.
  }
  const figures = { cuts, integrity_failures: integrityFailures, lost_acknowledged: lost,
    half_applied: halfApplied, acknowledged: acked.size };
  if (process.env.WEIGE_CRASH_REPORT) {
    fs.appendFileSync(process.env.WEIGE_CRASH_REPORT, `${JSON.stringify({ test: 'power_loss', ...figures })}\n`);
  }
  console.log(`power loss: ${JSON.stringify(figures)}`);
  expect({ integrityFailures, lost, halfApplied }).toEqual({ integrityFailures: 0, lost: 0, halfApplied: 0 });
  expect(cuts).toBe(rounds);
  expect(acked.size).toBeGreaterThan(rounds);
}, 900000);
