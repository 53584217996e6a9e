// Photos: taken or chosen with wx.chooseMedia, compressed with
// wx.compressImage (longest side at most 1600 px, quality 80) BEFORE they
// are hashed, so the SHA-256 a record cites is the one of the bytes that are
// kept and uploaded. Kept under USER_DATA_PATH/weige/photos/<sha>.jpg; an
// index file says which are still to upload. Records cite photos by hash.

const kMaxSide = 1600;
const kQuality = 80;

/** Calls a wx async API with success/fail as a promise. */
function call(wx, name, options = {}) {
  return new Promise((resolve, reject) => {
    wx[name](Object.assign({}, options, {
      success: resolve,
      fail: (err) => {
        const e = new Error((err && err.errMsg) || `${name}:fail`);
        e.errMsg = err && err.errMsg;
        e.errno = err && err.errno;
        reject(e);
      },
    }));
  });
}

function createPhotoStore(wx, files, sha256Hex) {
  const dir = files.ensureDir(`${files.root}/photos`);
  const kIndex = 'photos.json';
  let index = files.readJson(kIndex, {}) || {};
  const save = () => files.writeJson(kIndex, index);
  const pathOf = (sha) => `${dir}/${sha}.jpg`;

  /** Compresses one picked image; resolves the compressed file's temp path. */
  async function compress(src) {
    const info = await call(wx, 'getImageInfo', { src }).catch(() => null);
    const options = { src, quality: kQuality };
    if (info && info.width && info.height) {
      if (info.width >= info.height) options.compressedWidth = Math.min(info.width, kMaxSide);
      else options.compressedHeight = Math.min(info.height, kMaxSide);
    } else {
      options.compressedWidth = kMaxSide;
    }
    const out = await call(wx, 'compressImage', options);
    return out.tempFilePath;
  }

  /** Keeps the bytes of a compressed image; resolves its SHA-256 (hex). */
  function keep(tempPath) {
    const bytes = files.readBytes(tempPath);
    const sha = sha256Hex(new Uint8Array(bytes));
    if (!files.exists(pathOf(sha))) files.writeBytes(pathOf(sha), bytes);
    if (!index[sha]) {
      index[sha] = { uploaded: false, size: bytes.byteLength, at: Date.now() };
      save();
    }
    return sha;
  }

  return {
    kMaxSide,
    pathOf,
    /**
     * Lets the person take or choose up to `count` photos; resolves their
     * hashes (an empty list when they cancel).
     */
    async pick(count = 1) {
      let chosen;
      try {
        chosen = await call(wx, 'chooseMedia', { count, mediaType: ['image'],
          sourceType: ['camera', 'album'], sizeType: ['compressed'] });
      } catch (e) {
        if (/cancel/.test(e.errMsg || '')) return [];
        throw e;
      }
      const out = [];
      for (const f of chosen.tempFiles || []) {
        out.push(keep(await compress(f.tempFilePath)));
      }
      return out;
    },
    keep,
    /** Photos not yet uploaded, oldest first. */
    waiting() {
      return Object.keys(index).filter((sha) => !index[sha].uploaded)
        .sort((a, b) => index[a].at - index[b].at).map((sha) => ({ sha, size: index[sha].size }));
    },
    has(sha) {
      return files.exists(pathOf(sha));
    },
    read(sha) {
      return files.readBytes(pathOf(sha));
    },
    markUploaded(sha) {
      if (index[sha] && !index[sha].uploaded) {
        index[sha].uploaded = true;
        save();
      }
    },
    /** Keeps a photo fetched from the server (already uploaded). */
    store(sha, bytes) {
      if (!files.exists(pathOf(sha))) files.writeBytes(pathOf(sha), bytes);
      if (!index[sha]) {
        index[sha] = { uploaded: true, size: bytes.byteLength, at: Date.now() };
        save();
      }
    },
    reload() {
      index = files.readJson(kIndex, {}) || {};
    },
  };
}

module.exports = { createPhotoStore, call, kMaxSide };
