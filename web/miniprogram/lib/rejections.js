// A record the server rejected, in words, for the inbox of the mini-program
// (pages/inbox) and of the web app (web/src/views/inbox.js, bundled by
// esbuild): the command's name and the title of its item (or the record's
// own title or description) where the device has one; never a command type
// or an id. CommonJS, as WeChat loads the mini-program's files.

/**
 * The titles of the items `rows` name, where the device has them:
 * detail(item_id) -> Promise of item.detail. Resolves {item_id: title}.
 */
async function itemTitles(rows, detail) {
  const titles = {};
  const ids = Array.from(new Set(rows.map((r) => r.payload && r.payload.item_id).filter(Boolean)));
  await Promise.all(ids.map((id) => detail(id).then((it) => { titles[id] = it.title; }, () => {})));
  return titles;
}

/** "标记已整改 · 楼道堆放杂物": t(key) the app's strings, `fallback` for a command with no name. */
function summary(row, titles, t, fallback) {
  const p = row.payload || {};
  const key = `cmd.${row.type}`;
  const kind = t(key);
  return [kind === key ? fallback : kind, titles[p.item_id] || p.title || p.description || '']
    .filter(Boolean).join(' · ');
}

module.exports = { itemTitles, summary };
