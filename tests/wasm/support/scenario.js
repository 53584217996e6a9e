// The conformance suite, one list of steps run in order against every host
// adapter: by Jest in Node (node, idb over fake-indexeddb, the wx stand-in)
// and inside Chromium pages (opfs, idb) that Jest drives through Playwright.
// Plain JS with its own checks, so the very same steps run in both places.
//
// ctx.open() opens the adapter's database (the same name each time) and
// resolves with a runtime; ctx.WeigeError is the package's error class.
import { badInputCases } from './bad_input.js';
import { buildWorld, cmd, kCycle, kSetupAt, sha, visitWithTwoFindings } from './world.js';

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function rejects(promise, code, reason, what, WeigeError) {
  let error = null;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  check(error !== null, `${what}: should fail with ${code} ${reason || ''}`);
  check(error instanceof WeigeError, `${what}: should be a WeigeError, is ${error}`);
  eq(error.code, code, `${what}: code (${error.reason}: ${error.message})`);
  if (reason) eq(error.reason, reason, `${what}: reason`);
  check(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(error.reason), `${what}: dotted reason ${error.reason}`);
  check(typeof error.message === 'string' && error.message.length > 0, `${what}: a message`);
  return error;
}

async function pendingCount(rt) {
  return (await rt.pendingCommands(10000)).count;
}

export const steps = [
  ['opens a new database and builds a world through commands', async (ctx, s) => {
    s.rt = await ctx.open();
    eq(await s.rt.integrityCheck(), { integrity: 'ok' }, 'integrity of a new database');
    await buildWorld(s.rt);
    s.setup = await pendingCount(s.rt);
    check(s.setup > 30, `the world's commands are pending (${s.setup})`);
  }],

  ['visit.record opens two items in the same transaction', async (ctx, s) => {
    const v = await s.rt.dispatch(visitWithTwoFindings('v1', 'h1', kSetupAt + 1000));
    eq(v, { counts: true, items: ['v1.1', 'v1.2'], visit_id: 'v1' }, 'visit result');
    const item = await s.rt.query('item.detail', { actor: 'worker1', item_id: 'v1.1' });
    eq(item.state, 'open', 'the new item is open');
    s.item = 'v1.2';
  }],

  ['an item goes open, assigned, fixed, closed; the fixer cannot verify', async (ctx, s) => {
    const at = kSetupAt + 2000;
    await s.rt.dispatch(cmd('a1', 'item.assign', 'head1', at,
      { item_id: 'v1.1', owner_person: 'worker1', deadline: at + 86400000 }));
    await s.rt.dispatch(cmd('f1', 'item.mark_fixed', 'worker1', at + 1,
      { item_id: 'v1.1', evidence: [sha(3)] }));
    await rejects(s.rt.dispatch(cmd('x1', 'item.verify', 'worker1', at + 2,
      { item_id: 'v1.1', evidence: [sha(4)] })), 'failed_precondition', 'item.verifier_is_fixer',
    'the fixer verifying', ctx.WeigeError);
    await s.rt.dispatch(cmd('k1', 'item.verify', 'head1', at + 3,
      { item_id: 'v1.1', evidence: [sha(4)] }));
    const item = await s.rt.query('item.detail', { actor: 'head1', item_id: 'v1.1' });
    eq(item.state, 'closed', 'closed after verification');
  }],

  ['queries answer from what the commands wrote', async (ctx, s) => {
    const visits = await s.rt.query('visits.list', { actor: 'worker1', microgrid_id: 'mg1' });
    eq(visits.visits.map((v) => v.id), ['v1'], 'visits of mg1');
    const due = await s.rt.query('worker.households_due',
      { actor: 'worker1', microgrid_id: 'mg1', cycle: kCycle });
    check(JSON.stringify(due).includes('h2'), 'h2 is still due');
    await rejects(s.rt.query('visits.list', { actor: 'worker2', microgrid_id: 'mg1' }),
      'permission_denied', null, 'another micro-grid\'s visits', ctx.WeigeError);
    await rejects(s.rt.query('no.such_query', { actor: 'admin' }), 'invalid_argument',
      'query.unknown', 'an unknown query', ctx.WeigeError);
    await rejects(s.rt.query('visits.list', '{"actor":'), 'invalid_argument', 'json.malformed',
      'malformed params', ctx.WeigeError);
  }],

  ['a command seen before returns the same answer and writes nothing', async (ctx, s) => {
    const before = await pendingCount(s.rt);
    const again = await s.rt.dispatch(visitWithTwoFindings('v1', 'h1', kSetupAt + 1000));
    eq(again, { counts: true, items: ['v1.1', 'v1.2'], visit_id: 'v1' }, 'the same answer');
    eq(await pendingCount(s.rt), before, 'nothing written');
  }],

  ['bad input: each gives its error, writes nothing, the next good command works',
    async (ctx, s) => {
      const cases = badInputCases(s.item);
      check(cases.length >= 50, `at least 50 cases (${cases.length})`);
      let good = 0;
      for (const [name, command, code, reason] of cases) {
        const before = await pendingCount(s.rt);
        await rejects(s.rt.dispatch(command), code, reason, name, ctx.WeigeError);
        eq(await pendingCount(s.rt), before, `${name}: nothing written`);
        const ok = await s.rt.dispatch(cmd(`good-${++good}`, 'item.comment', 'worker1',
          kSetupAt + 5000 + good, { item_id: s.item, text: `after ${name}` }));
        eq(ok.item_id || s.item, s.item, `${name}: the next good command works`);
      }
      eq(await s.rt.integrityCheck(), { integrity: 'ok' }, 'integrity after the table');
    }],

  ['reopen after close keeps everything and passes integrity_check', async (ctx, s) => {
    const count = await pendingCount(s.rt);
    await s.rt.close();
    s.rt = await ctx.open();
    eq(await s.rt.integrityCheck(), { integrity: 'ok' }, 'integrity after reopen');
    eq(await pendingCount(s.rt), count, 'every command is still there');
    const item = await s.rt.query('item.detail', { actor: 'head1', item_id: 'v1.1' });
    eq(item.state, 'closed', 'state survives reopen');
    await s.rt.dispatch(visitWithTwoFindings('v2', 'h2', kSetupAt + 9000));
    eq(await pendingCount(s.rt), count + 1, 'a command after reopen');
  }],

  ['a closed runtime rejects calls with a WeigeError', async (ctx, s) => {
    await s.rt.close();
    await rejects(s.rt.query('visits.list', { actor: 'admin', microgrid_id: 'mg1' }),
      'failed_precondition', 'runtime.closed', 'query after close', ctx.WeigeError);
    s.rt = await ctx.open();
    eq((await s.rt.query('visits.list', { actor: 'admin', microgrid_id: 'mg1' })).visits.length, 2,
      'reopened');
    await s.rt.close();
  }],
];
