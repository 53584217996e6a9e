// Runs the assembled mini-program (build/miniprogram) in Jest against the
// wx stand-in (support/wx_client.js) - a stand-in for the WeChat client, not
// the client. App() and getApp() are provided as the client provides them,
// app.js is loaded as the client loads it, and pages are rendered and
// driven with miniprogram-simulate (Tencent's component test tool): their
// WXML compiled by the official wcc compiler it ships, their events fired
// on the rendered tree.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import simulate from 'miniprogram-simulate';
import { createWxClient } from './wx_client.js';

export const packageRoot = fileURLToPath(new URL('../../../build/miniprogram/', import.meta.url));
let appDefinition = null;
const loadedPages = new Map();
let componentIds = null;
const appJson = JSON.parse(fs.readFileSync(path.join(packageRoot, 'app.json'), 'utf8'));

export function tempDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `weige-mp-${tag}-`));
}

/** Waits for promises and timers queued by the pages to settle. */
export async function settle(rounds = 8) {
  for (let i = 0; i < rounds; ++i) await new Promise((r) => setTimeout(r, 0));
}

/** A tap on `node`, then settle(). */
export async function tap(node) {
  node.dispatchEvent('tap');
  await settle();
}

/** A change event carrying `value`, then settle(). */
export async function change(node, value) {
  node.dispatchEvent('change', { detail: { value } });
  await settle();
}

/** An input event carrying `value`, then settle(). */
export async function input(node, value) {
  node.dispatchEvent('input', { detail: { value } });
  await settle();
}

/**
 * Launches the app on a fresh (or given) stand-in client. Returns
 * {client, app, shell, open(pagePath, query) -> page, close()}.
 */
export async function launchApp({ dir = tempDir('app'), client, beforeLaunch } = {}) {
  client = client || createWxClient({ dir, packageRoot });
  if (beforeLaunch) await beforeLaunch(client);
  // miniprogram-simulate installed a mock wx when loaded; the stand-in's
  // calls take precedence over its canned answers.
  globalThis.wx = Object.assign(globalThis.wx || {}, client.wx);
  globalThis.WXWebAssembly = client.WXWebAssembly;
  // app.js runs once per Jest module registry; each launch is a new app
  // instance of the definition it gave App().
  if (!appDefinition) {
    globalThis.App = (definition) => {
      appDefinition = definition;
    };
    await import(path.join(packageRoot, 'app.js'));
    if (!appDefinition) throw new Error('app.js did not call App()');
  }
  const app = Object.assign({}, appDefinition);
  globalThis.getApp = () => app;
  app.onLaunch({ path: 'pages/login/index', query: {} });
  await app.ready;
  const opened = [];
  return {
    client,
    app,
    shell: app.shell,
    dir,
    /** Renders a page, then runs its onLoad(query) and onShow() as the client would. */
    async open(pagePath, query = {}) {
      // A page's JS runs once per Jest module registry (it ignores
      // require.cache deletes), so each page is loaded once and rendered anew.
      // The app-wide components (app.json usingComponents) are loaded once
      // too and handed to each page by id.
      if (!componentIds) {
        componentIds = {};
        for (const [tag, p] of Object.entries(appJson.usingComponents || {})) {
          componentIds[tag] = simulate.load(path.join(packageRoot, p), tag,
            { rootPath: packageRoot });
        }
      }
      let id = loadedPages.get(pagePath);
      if (!id) {
        id = simulate.load(path.join(packageRoot, pagePath), {
          rootPath: packageRoot,
          usingComponents: Object.assign({}, componentIds),
        });
        loadedPages.set(pagePath, id);
      }
      const page = simulate.render(id);
      page.attach(document.createElement('parent-wrapper'));
      opened.push(page);
      const inst = page.instance;
      if (inst.onLoad) await inst.onLoad(query);
      if (inst.onShow) await inst.onShow();
      await settle();
      return page;
    },
    async close() {
      for (const p of opened) p.detach();
      await app.shell.stop();
    },
  };
}

/** Text of the first element matching `selector` in a rendered page (or ''). */
export function text(page, selector) {
  const el = page.querySelector(selector);
  return el ? el.dom.textContent.trim() : '';
}

/** Text in the page's status strip (the sync-bar component, #bar). */
export function barText(page, selector) {
  const bar = page.querySelector('#bar');
  return bar ? text(bar, selector) : '';
}

export function all(page, selector) {
  return page.querySelectorAll(selector);
}

/**
 * The nodes matching `selector` anywhere in the page whose data-* attributes
 * pass `pred` (miniprogram-simulate selects inside a component's shadow
 * tree, not under a plain view, so rows are told apart by their data).
 */
export function find(page, selector, pred = () => true) {
  return page.querySelectorAll(selector).filter((n) => pred(n.dom.dataset));
}
