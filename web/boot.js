// On a first visit the service worker is installed (it downloads the app
// and the wasm once, into its cache) before the app loads, so the app's
// files are not downloaded twice; after that the page is controlled from
// the start and everything comes from the cache.
const start = () => import('./app.js');
const sw = navigator.serviceWorker;
if (!sw || sw.controller) {
  start();
} else {
  const controlled = new Promise((resolve) => sw.addEventListener('controllerchange', resolve, { once: true }));
  sw.register('./sw.js')
    .then(() => Promise.race([controlled, new Promise((r) => setTimeout(r, 15000))]))
    .then(start, start);
}
