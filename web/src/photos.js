// Photos: taken with the camera input, downscaled in a canvas (longest side
// at most 1600 px, JPEG), hashed with SHA-256, kept in the app's IndexedDB
// and queued for upload. Records cite photos by hash only.
import { blobs } from './idb.js';
import { h, uid } from './ui.js';
import { t } from './i18n.js';

export const kMaxSide = 1600;

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Downscales an image file to a JPEG Blob whose longest side is <= kMaxSide. */
export async function downscale(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, kMaxSide / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const hgt = Math.max(1, Math.round(bitmap.height * scale));
  let blob;
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(w, hgt);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, w, hgt);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    canvas.getContext('2d').drawImage(bitmap, 0, 0, w, hgt);
    blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
  }
  bitmap.close && bitmap.close();
  return { blob, width: w, height: hgt };
}

/** Downscales, hashes and stores a photo; resolves its SHA-256 (lowercase hex). */
export async function addPhoto(file) {
  const { blob, width, height } = await downscale(file);
  const bytes = await blob.arrayBuffer();
  const sha = hex(await crypto.subtle.digest('SHA-256', bytes));
  const existing = await blobs.get(sha);
  if (!existing) {
    await blobs.put(sha, { blob, uploaded: false, at: Date.now(), width, height });
  }
  return sha;
}

const urls = new Map();

/** An object URL for a stored photo, fetching it from the server if needed. */
export async function photoUrl(sha, fetchBlob) {
  if (urls.has(sha)) return urls.get(sha);
  let row = await blobs.get(sha);
  if (!row && fetchBlob) {
    const blob = await fetchBlob(sha);
    if (blob) {
      row = { blob, uploaded: true, at: Date.now() };
      await blobs.put(sha, row);
    }
  }
  if (!row) return null;
  const url = URL.createObjectURL(row.blob);
  urls.set(sha, url);
  return url;
}

/**
 * A photo picker: <input type=file accept=image/* capture> plus thumbnails.
 * Returns {el, shas(), pending()}: pending() resolves once every chosen photo
 * is processed.
 */
export function photoField(label, { required = false, onchange = null } = {}) {
  const list = [];
  const jobs = new Set();
  const id = uid('photo');
  const thumbs = h('div', { class: 'app-thumbs' });
  const status = h('span', { class: 'app-hint', 'aria-live': 'polite' });
  const inputEl = h('input', {
    type: 'file', accept: 'image/*', capture: 'environment', id, multiple: true,
    class: 'app-file', 'aria-required': required ? 'true' : null,
    onchange: (e) => {
      for (const file of Array.from(e.target.files || [])) {
        status.textContent = t('photo.processing');
        const job = addPhoto(file).then(async (sha) => {
          if (!list.includes(sha)) {
            list.push(sha);
            thumbs.append(await thumb(sha));
          }
        }).finally(() => {
          jobs.delete(job);
          if (!jobs.size) status.textContent = '';
          if (onchange) onchange(list);
        });
        jobs.add(job);
      }
      e.target.value = '';
    },
  });
  async function thumb(sha) {
    const url = await photoUrl(sha);
    const n = list.indexOf(sha) + 1;
    const wrap = h('span', { class: 'app-thumb', dataset: { sha } },
      h('img', { src: url, alt: t('photo.alt', { n }) }),
      h('button', { type: 'button', class: 'app-thumb__x', 'aria-label': t('photo.remove'),
        onclick: () => {
          const i = list.indexOf(sha);
          if (i >= 0) list.splice(i, 1);
          wrap.remove();
          if (onchange) onchange(list);
        } }, h('span', { 'aria-hidden': 'true' }, '×')));
    return wrap;
  }
  const el = h('div', { class: 'weui-cell app-photos' },
    h('div', { class: 'weui-cell__bd' },
      h('div', { class: 'app-photos__label' }, label,
        required ? h('span', { class: 'app-req', 'aria-hidden': 'true' }, ' *') : null),
      thumbs,
      h('label', { class: 'app-photo-add', for: id }, '+ ', t('photo.add')),
      inputEl, status));
  return {
    el,
    shas: () => list.slice(),
    pending: () => Promise.all(Array.from(jobs)),
  };
}

/** Thumbnails of photos cited by a record (fetched from the server if needed). */
export function photoStrip(shas, fetchBlob) {
  const strip = h('div', { class: 'app-thumbs' });
  (shas || []).forEach((sha, i) => {
    const img = h('img', { alt: t('photo.alt', { n: i + 1 }), class: 'app-thumb__img' });
    const wrap = h('span', { class: 'app-thumb' }, img);
    strip.append(wrap);
    photoUrl(sha, fetchBlob).then((url) => {
      if (url) img.src = url;
      else img.alt = t('photo.unavailable');
    }).catch(() => { img.alt = t('photo.unavailable'); });
  });
  return strip;
}
