// The strip at the top of every page: online or offline, what waits to be
// sent, sync progress, rejected records, and the language toggle.
const { shell, i18n } = require('../../lib/page.js');

Component({
  data: { online: true, syncText: '', rejected: 0, rejectedText: '', s: {} },
  lifetimes: {
    attached() {
      shell().then((sh) => {
        this.sh = sh;
        this.off = sh.subscribe((st) => this.show(st));
        this.show(sh.status);
      }).catch(() => {});
    },
    detached() {
      if (this.off) this.off();
    },
  },
  methods: {
    show(st) {
      let syncText;
      if (st.phase && st.phase !== 'idle') syncText = i18n.t('sync.running');
      else if (st.error === 'auth') syncText = i18n.t('sync.auth');
      else if (st.pending) syncText = i18n.t('sync.pending', { n: st.pending });
      else syncText = i18n.t('sync.synced');
      this.setData({ online: !!st.online, syncText, rejected: st.rejected || 0,
        rejectedText: i18n.t('sync.rejected', { n: st.rejected || 0 }), s: i18n.strings() });
    },
    onSync() {
      if (this.sh) this.sh.syncNow();
    },
    onInbox() {
      wx.navigateTo({ url: '/pages/inbox/index' });
    },
    onLang() {
      if (!this.sh) return;
      this.sh.setLang(i18n.getLang() === 'en' ? 'zh-CN' : 'en');
      this.triggerEvent('lang', { lang: i18n.getLang() });
    },
  },
});
