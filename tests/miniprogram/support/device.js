// Prepares a phone's storage before the app starts: the device database
// (weige.db under USER_DATA_PATH/weige, as the app opens it) holding the
// wasm suite's small world and the door-knocking template, and a session
// file as a sign-in would have left it. Used by the page suites, which need
// data on the phone without a server.
import fs from 'node:fs';
import path from 'node:path';
import { open } from '../../../offline/src/index.js';
import { loadWechatGlue } from '../../wasm/support/wx_standin.js';
import { buildWorld, cmd, kSetupAt } from '../../wasm/support/world.js';
import { packageRoot } from './app.js';

export const kTemplate = {
  id: 'door_knock',
  version: 1,
  title: '敲门行动入户走访表',
  title_en: 'Door-to-door visit form',
  // English where the template has it; 'residents' and the vacant option have none.
  questions: [
    { key: 'ebike_wire', kind: 'yes_no', required: true, label: '是否存在电动车飞线充电?',
      label_en: 'Is an e-bike charged on a flying wire?' },
    { key: 'housing', kind: 'choice', required: true, label: '房屋使用情况',
      label_en: 'Use of the home', options: ['自住', '出租', '群租', '空置'],
      options_en: ['Owner-occupied', 'Rented', 'Group rental', null] },
    { key: 'residents', kind: 'number', required: true, label: '实际居住人数', min: 0, max: 50 },
    { key: 'situation', kind: 'text', label: '其他情况说明', max_length: 500 },
    { key: 'photos', kind: 'photo', label: '现场照片' },
  ],
  rules: [
    { question: 'ebike_wire', equals: true,
      finding: { category: 'fire_safety', title: '电动车飞线充电', deadline_days: 3 } },
    { question: 'housing', in: ['群租'],
      finding: { category: 'group_rental', title: '群租房安全检查', deadline_days: 7 } },
  ],
};

/** Opens the device database of `client` in the test (the wechat host, the packaged wasm). */
export function openDevice(client) {
  const createModule = loadWechatGlue(path.join(packageRoot, 'vendor/weige.js'),
    client.WXWebAssembly);
  return open({ host: 'wechat', name: 'weige.db', wx: client.wx,
    WXWebAssembly: client.WXWebAssembly, createModule, wasmPath: 'vendor/weige.wasm.br' });
}

/** The small world and the template, then `extra(rt)`; closes the database. */
export async function seedDevice(client, extra) {
  const rt = await openDevice(client);
  await buildWorld(rt);
  await rt.dispatch(cmd('setup-template', 'template.publish', 'admin', kSetupAt + 1000,
    { template: kTemplate }));
  if (extra) await extra(rt);
  // What a pull would have brought is not waiting to be sent.
  for (;;) {
    const { commands } = await rt.pendingCommands(500);
    if (!commands.length) break;
    for (const c of commands) await rt.settleCommand(c.id, true, 'seeded');
  }
  await rt.close();
}

/** A session as sign-in leaves it: person, role and a server that is not there. */
export function writeSession(client, personId, role, scopeId, extraGrants = []) {
  const grant = { role, scope_id: scopeId };
  const session = { api_base: 'http://127.0.0.1:9', person_id: personId, token: 'x'.repeat(64),
    expires_at: Date.now() + 3600e3, grants: [grant, ...extraGrants], role: grant };
  const dir = path.join(client.userDataPath, 'weige');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'session.json'), JSON.stringify(session));
}
