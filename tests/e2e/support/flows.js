// Flows a person goes through in the app, shared by the e2e tests.
import { view } from './harness.js';

/** Fills the visit form: `met` answers every required question. */
export async function recordVisit(page, household, outcome) {
  await page.click(`[data-household="${household}"]`);
  await view(page, 'visit');
  await page.check(`input[name=outcome][value=${outcome}]`);
  if (outcome === 'met') {
    const questions = await page.$$eval('[data-question]', (els) => els.map((e) => [e.dataset.question, e.dataset.kind]));
    for (const [key, kind] of questions) {
      const q = `[data-question="${key}"]`;
      if (kind === 'yes_no') {
        await page.locator(`${q} input[value=no]`).check();
      } else if (kind === 'choice') {
        const values = await page.$$eval(`${q} option`, (os) => os.map((o) => o.value).filter(Boolean));
        await page.locator(`${q} select`).selectOption(values[0]);
      } else if (kind === 'number') {
        await page.locator(`${q} input[type=number]`).fill("2");
      }
    }
  }
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await page.waitForFunction((hh) => !document.querySelector(`[data-household="${hh}"]`) ||
    document.querySelector(`[data-household="${hh}"] .app-item__meta`), household);
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

/** Answers every required question without making a finding (ebike etc. "no", fraud leaflet "yes"). */
export async function answerAll(page, { finding = null } = {}) {
  const questions = await page.$$eval('[data-question]', (els) => els.map((e) => [e.dataset.question, e.dataset.kind]));
  for (const [key, kind] of questions) {
    const q = `[data-question="${key}"]`;
    if (kind === 'yes_no') {
      const yes = key === 'fraud_leaflet' ? key !== finding : key === finding;
      await page.locator(`${q} input[value=${yes ? 'yes' : 'no'}]`).check();
    } else if (kind === 'choice') {
      const values = await page.$$eval(`${q} option`, (os) => os.map((o) => o.value).filter(Boolean));
      await page.locator(`${q} select`).selectOption(values[0]);
    } else if (kind === 'number') {
      await page.locator(`${q} input[type=number]`).fill('2');
    }
  }
}
