// The host adapters the conformance suite runs against in Node. Each entry
// makes a context whose open() opens the same database again and again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { open, WeigeError } from '../../../offline/src/index.js';
import { createWxStandIn, loadWechatGlue } from './wx_standin.js';

const offline = fileURLToPath(new URL('../../../offline/', import.meta.url));

function tempDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `weige-${tag}-`));
}

export const nodeAdapters = [
  ['node', () => {
    const dir = tempDir('node');
    return { WeigeError, dir, open: () => open({ host: 'node', name: 'conformance.db', dir }),
      cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }],
  ['idb (fake-indexeddb in Node)', () => {
    const indexedDB = new IDBFactory();
    return { WeigeError,
      open: () => open({ host: 'idb', name: 'conformance', indexedDB, IDBKeyRange }),
      cleanup: () => {} };
  }],
  // A stand-in for the WeChat client in Node, not the client: see wx_standin.js.
  ['wechat (stand-in wx object in Node, not the WeChat client)', () => {
    const dir = tempDir('wechat');
    const { wx, WXWebAssembly } = createWxStandIn({ userDataPath: path.join(dir, 'usr'),
      packageRoot: offline });
    const createModule = loadWechatGlue(path.join(offline, 'dist/wechat/weige.js'), WXWebAssembly);
    return { WeigeError, dir,
      open: () => open({ host: 'wechat', name: 'conformance.db', wx, WXWebAssembly, createModule,
        wasmPath: 'dist/wechat/weige.wasm' }),
      cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }],
];
