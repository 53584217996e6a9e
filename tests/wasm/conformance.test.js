// The one conformance suite (support/scenario.js) against each host adapter
// in Node: node, idb over fake-indexeddb, and the wechat host over a stand-in
// wx object (not the WeChat client). browser.test.js runs the same steps in
// Chromium on opfs and idb.
import { nodeAdapters } from './support/adapters.js';
import { steps } from './support/scenario.js';

describe.each(nodeAdapters)('%s', (name, make) => {
  const state = {};
  let ctx;
  beforeAll(() => {
    ctx = make();
  });
  afterAll(async () => {
    try {
      if (state.rt) await state.rt.close();
    } catch (e) {
      // closed by the last step already
    }
    ctx.cleanup();
  });
  for (const [title, step] of steps) {
    test(title, () => step(ctx, state));
  }
});
