// Command and record ids made on the phone: UUID-shaped (version 4 layout),
// 128 bits of SHA-256 over a per-install seed, the time and a counter. The
// shell has no crypto.getRandomValues; the seed is drawn once per install
// from wx.getRandomValues when the base library has it, else from
// Math.random and the clock, and kept in a file. A repeated id would make
// the server answer a new command with an old one's result, so the counter
// and time keep ids of one install distinct and the seed keeps installs apart.

const { utf8Encode } = require('./utf8.js');

function hex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; ++i) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

function weakSeed() {
  let s = `${Date.now()}:`;
  for (let i = 0; i < 8; ++i) s += Math.random().toString(36).slice(2);
  return s;
}

/** Resolves the install's seed, making and saving it the first time. */
function loadSeed(wx, files) {
  const saved = files.readJson('install.json');
  if (saved && typeof saved.seed === 'string' && saved.seed.length >= 16) {
    return Promise.resolve(saved.seed);
  }
  return new Promise((resolve) => {
    const done = (extra) => {
      const seed = weakSeed() + (extra || '');
      files.writeJson('install.json', { seed, at: Date.now() });
      resolve(seed);
    };
    if (typeof wx.getRandomValues === 'function') {
      wx.getRandomValues({
        length: 16,
        success: (res) => done(hex(new Uint8Array(res.randomValues))),
        fail: () => done(''),
      });
    } else {
      done('');
    }
  });
}

function createIds(seed, sha256) {
  let counter = 0;
  return function newId() {
    counter += 1;
    const d = sha256(utf8Encode(`${seed}|${Date.now()}|${counter}|${Math.random()}`)).slice(0, 16);
    d[6] = (d[6] & 0x0f) | 0x40;
    d[8] = (d[8] & 0x3f) | 0x80;
    const h = hex(d);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

module.exports = { loadSeed, createIds, hex };
