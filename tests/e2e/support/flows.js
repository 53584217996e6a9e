// Flows a person goes through in the app, shared by the e2e tests.
import { view } from './harness.js';

/** Fills the visit form: `met` answers every required question. */
export async function recordVisit(page, household, outcome) {
  await page.click(`[data-household="${household}"]`);
  await view(page, 'visit');
  await page.check(`input[name=outcome][value=${outcome}]`);
  if (outcome === 'met') {
    for (const q of await page.$$('[data-question]')) {
      const kind = await q.getAttribute('data-kind');
      if (kind === 'yes_no') {
        await (await q.$('input[value=no]')).check();
      } else if (kind === 'choice') {
        const sel = await q.$('select');
        const values = await sel.$$eval('option', (os) => os.map((o) => o.value).filter(Boolean));
        await sel.selectOption(values[0]);
      } else if (kind === 'number') {
        await (await q.$('input')).fill('2');
      }
    }
  }
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await page.waitForFunction((hh) => !document.querySelector(`[data-household="${hh}"]`), household);
}


/**
 * Opens an action on the item screen, lets `fill(boxSelector)` fill it, and
 * submits it.
 */
export async function itemAction(page, key, fill) {
  const box = `[data-action-box=${key}]`;
  await page.click(`[data-action=${key}]`);
  if (fill) await fill(box);
  await page.click(`[data-submit=${key}]`);
}
