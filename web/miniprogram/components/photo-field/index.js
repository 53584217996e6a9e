// A photo picker: wx.chooseMedia, compressed, hashed and kept by the shell's
// photo store (lib/photos.js); fires `change` with {shas}.
const { shell, showError, i18n } = require('../../lib/page.js');

Component({
  properties: {
    label: { type: String, value: '' },
    max: { type: Number, value: 9 },
    required: { type: Boolean, value: false },
  },
  data: { photos: [], addText: '' },
  lifetimes: {
    attached() {
      this.setData({ addText: i18n.t('photo.add') });
    },
  },
  methods: {
    async onAdd() {
      try {
        const sh = await shell();
        const room = this.data.max - this.data.photos.length;
        const shas = await sh.photos.pick(room);
        const photos = this.data.photos.slice();
        for (const sha of shas) {
          if (!photos.some((p) => p.sha === sha)) photos.push({ sha, path: sh.photos.pathOf(sha) });
        }
        this.setData({ photos });
        this.triggerEvent('change', { shas: photos.map((p) => p.sha) });
      } catch (e) {
        showError(this, e);
      }
    },
    onRemove(e) {
      const sha = e.currentTarget.dataset.sha;
      const photos = this.data.photos.filter((p) => p.sha !== sha);
      this.setData({ photos });
      this.triggerEvent('change', { shas: photos.map((p) => p.sha) });
    },
  },
});
