// The checks every view gets (views.test.js, field.test.js): a 390x844
// screenshot in test-out/screenshots/, no raw machine text (an untranslated
// key, an English core message in zh-CN, one of the demo's ids; the rules of
// tests/support/raw-text.js, which the mini-program's suites share), and
// axe-core with no serious or critical violation; audit() runs them in zh-CN
// and in English (name-en).
import path from 'node:path';
import { kPhone, repo, shotDir } from './harness.js';
import { rawFindingsIn } from '../../support/raw-text.js';

const axeSource = path.join(repo, 'node_modules/axe-core/axe.min.js');
/** The names audited so far in this test file. */
export const audited = [];

// axe is injected as an inline script, which the app's Content-Security-Policy
// forbids (as it should): the audited contexts bypass the policy; the other
// e2e suites run under it.
export const kAudited = { ...kPhone, bypassCSP: true };

/** The text a person sees: rendered text plus labels, titles and alt texts. */
function visibleText(page) {
  return page.evaluate(() => {
    const out = [document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label], [title], img[alt]')) {
      if (el.closest('[hidden]') || el.offsetParent === null && el.tagName !== 'IMG') continue;
      // The language switch speaks the language it switches to (lang="en").
      if (el.closest('[lang]') !== document.documentElement) continue;
      out.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '', el.getAttribute('alt') || '');
    }
    return out.join('\n');
  });
}

export async function rawFindings(page, lang) {
  return rawFindingsIn(await visibleText(page), lang);
}

export async function expectNoRawText(page, name, lang) {
  const found = await rawFindings(page, lang);
  expect({ view: name, lang, raw: found }).toEqual({ view: name, lang, raw: [] });
}

async function toggleLang(page, want) {
  await page.click('.app-lang');
  await page.waitForFunction((l) => document.documentElement.lang === l, want);
  await page.waitForTimeout(200);  // the view re-renders in the new language
}

// Screenshot, axe and the raw-text check in zh-CN, then the same in English
// (name-en), then back to zh-CN. `reopen` restores what the re-render closed
// (an opened action form).
export async function audit(page, name, { reopen = null, bothLanguages = true } = {}) {
  await auditOne(page, name, 'zh-CN');
  if (!bothLanguages) return;
  await toggleLang(page, 'en');
  if (reopen) await reopen();
  await auditOne(page, `${name}-en`, 'en');
  await toggleLang(page, 'zh-CN');
  if (reopen) await reopen();
}

async function auditOne(page, name, lang) {
  await page.waitForLoadState('domcontentloaded');
  await page.evaluate(() => document.fonts && document.fonts.ready);
  // A toast fading is half transparent (axe would read its contrast
  // mid-fade): wait until it is gone (2.5 s, 5 s for an error).
  await page.waitForFunction(() => {
    const t = document.getElementById('toast');
    return !t || Number(getComputedStyle(t).opacity) === 0;
  }, null, { timeout: 10000, polling: 50 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
  await expectNoRawText(page, name, lang);
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  audited.push(name);
  expect({ view: name, violations: bad }).toEqual({ view: name, violations: [] });
}

