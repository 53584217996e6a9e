// lib/places.js (shared by the mini-program and the web app): the building
// names a resident's device has no row for come from the server's
// directory.context once, are kept, and serve the starts with no signal;
// names the device has are never asked for.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { fillBuildingNames } = require('../../build/miniprogram/lib/places.js');

function io({ online = true, server = null, kept = null } = {}) {
  const state = { kept, asked: 0, online };
  return {
    state,
    load: () => state.kept,
    save: (names) => { state.kept = names; },
    online: () => state.online,
    serverContext: async () => {
      state.asked += 1;
      if (!server) throw new TypeError('Failed to fetch');
      return server;
    },
  };
}

const server = { households: [{ id: 'h1', building_id: 'b1', building_name: '和平里小区3号楼' }] };
const mine = () => [{ id: 'h1', building_id: 'b1', building_name: null }];

test('a missing name comes from the server and is kept for a start with no signal', async () => {
  const online = io({ server });
  const hh = mine();
  await fillBuildingNames(hh, online);
  expect(hh[0].building_name).toBe('和平里小区3号楼');
  expect(online.state.kept).toEqual({ b1: '和平里小区3号楼' });

  const offline = io({ online: false, kept: online.state.kept });
  const again = mine();
  await fillBuildingNames(again, offline);
  expect(again[0].building_name).toBe('和平里小区3号楼');
  expect(offline.state.asked).toBe(0);
});

test('names the device has, or has kept, are not asked for', async () => {
  const x = io({ server });
  const hh = [{ id: 'h1', building_id: 'b1', building_name: '本地名' }];
  await fillBuildingNames(hh, x);
  expect(hh[0].building_name).toBe('本地名');
  const kept = io({ server, kept: { b1: '已记住' } });
  const k = mine();
  await fillBuildingNames(k, kept);
  expect(k[0].building_name).toBe('已记住');
  expect(x.state.asked + kept.state.asked).toBe(0);
});

test('offline with nothing kept, or the server failing: no name, nothing kept, no error', async () => {
  for (const x of [io({ online: false, server }), io({ server: null })]) {
    const hh = mine();
    await fillBuildingNames(hh, x);
    expect(hh[0].building_name).toBeNull();
    expect(x.state.kept).toBeNull();
  }
});
