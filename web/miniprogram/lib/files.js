// Small files under wx.env.USER_DATA_PATH through the file-system manager
// (the only storage the mini-program uses: no wx.setStorage, no IndexedDB).
// A JSON file is replaced by writing a temporary file and renaming it over
// the old one, so a kill mid-write leaves the old or the new, never half.

// The documented error of a full user-data folder (errCode 1300202).
const kQuotaText = 'the maximum size of the file storage limit is exceeded';

class StorageFullError extends Error {
  constructor(cause) {
    super((cause && (cause.errMsg || cause.message)) || kQuotaText);
    this.name = 'StorageFullError';
    this.reason = 'storage.full';
    this.errMsg = cause && cause.errMsg;
  }
}

function isQuotaError(e) {
  const text = e && (e.errMsg || e.message);
  return !!(e && (e.errCode === 1300202 || e.errno === 1300202
    || (typeof text === 'string' && text.indexOf(kQuotaText) >= 0)));
}

function createFiles(wx, directory = 'weige') {
  const fs = wx.getFileSystemManager();
  const root = `${wx.env.USER_DATA_PATH}/${directory}`;
  const exists = (p) => {
    try {
      fs.accessSync(p);
      return true;
    } catch (e) {
      return false;
    }
  };
  const ensureDir = (p) => {
    if (!exists(p)) fs.mkdirSync(p, true);
    return p;
  };
  const guard = (fn) => {
    try {
      return fn();
    } catch (e) {
      if (isQuotaError(e)) throw new StorageFullError(e);
      throw e;
    }
  };
  ensureDir(root);
  return {
    root,
    exists,
    ensureDir,
    readJson(name, fallback = null) {
      const p = `${root}/${name}`;
      if (!exists(p)) return fallback;
      try {
        return JSON.parse(fs.readFileSync(p, 'utf8'));
      } catch (e) {
        return fallback;
      }
    },
    writeJson(name, value) {
      const p = `${root}/${name}`;
      guard(() => {
        fs.writeFileSync(`${p}.tmp`, JSON.stringify(value), 'utf8');
        fs.renameSync(`${p}.tmp`, p);
      });
    },
    remove(name) {
      const p = `${root}/${name}`;
      if (exists(p)) fs.unlinkSync(p);
    },
    readBytes(path) {
      return fs.readFileSync(path);
    },
    writeBytes(path, buffer) {
      guard(() => fs.writeFileSync(path, buffer));
    },
  };
}

module.exports = { createFiles, isQuotaError, StorageFullError };
