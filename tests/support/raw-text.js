// What counts as raw machine text on screen, for every suite that reads a
// view's visible text: the web app's e2e audit (tests/e2e/support/audit.js)
// and the mini-program's (tests/miniprogram). One definition, so both apps
// are held to the same rule.

export const kRaw = {
  // "payload.title", "argument.empty", "cat.facility", "ev.item.opened"
  key: /\b[a-z][a-z_]*(?:\.[a-z_]+)+\b/,
  // the demo's ids: b-s1c1g1m1-1, h-s1c1g1m1-1-1-101, p-g-s1c1g1, s1c1g1m1, xf-s1, wy-s1c1,
  // r-<uuid>, its reports' opaque r-6cb9a374cd79d716b542, and a phone's bare UUIDs
  id: new RegExp([
    /\b(?:[a-z]{1,3}-)+s\d+(?:c\d+)?(?:g\d+)?(?:m\d+)?(?:-[\w-]+)?\b/,
    /\bs\d+c\d+g\d+(?:m\d+)?\b/,
    /\b[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-/,
    /\b[a-z]{1,3}-[0-9a-f]{12,}\b/,
    /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/,
  ].map((re) => re.source).join('|')),
  // an English sentence (three or more words) in zh-CN mode, e.g. "must not be empty"
  english: /\b[A-Za-z]{2,}(?:[ ,:;]+[A-Za-z]{2,}){2,}\b/,
};

/**
 * The raw machine text in `text` (a view's visible text, one line per
 * element or label), each as 'kind: "match" in "line"'. The English-sentence
 * check runs in zh-CN mode only.
 */
export function rawFindingsIn(text, lang) {
  const found = [];
  for (const [kind, re] of Object.entries(kRaw)) {
    if (kind === 'english' && lang !== 'zh-CN') continue;
    for (const line of text.split('\n')) {
      for (const m of line.matchAll(new RegExp(re.source, 'g'))) {
        found.push(`${kind}: "${m[0]}" in "${line.trim().slice(0, 80)}"`);
      }
    }
  }
  return found;
}
