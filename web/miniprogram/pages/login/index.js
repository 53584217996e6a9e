// Sign-in (needs the network once), then the role to work in. A session
// kept from before opens the person's home directly, offline too; with
// ?account=1 the page shows the roles and sign-out instead.
const { shell, showError, i18n } = require('../../lib/page.js');

Component({
  data: { s: {}, signedIn: false, server: '', person: '', password: '', busy: false, error: '',
    roles: [], name: '', pendingHere: [] },
  methods: {
    async onLoad(query = {}) {
      this.setData({ s: i18n.strings() });
      let sh;
      try {
        sh = await shell();
      } catch (e) {
        showError(this, e);
        return;
      }
      this.setData({ server: sh.apiBase() });
      this.showPendingHere(sh);
      if (sh.session && !query.account && sh.session.role) {
        wx.reLaunch({ url: sh.homeUrl() });
        return;
      }
      if (sh.session) this.showAccount(sh);
    },
    onLang() {
      this.setData({ s: i18n.strings() });
      shell().then((sh) => sh.session && this.showAccount(sh));
    },
    onInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value });
    },
    async showAccount(sh) {
      // Roles and the person by name (directory.context), never ids.
      let ctx = null;
      try {
        ctx = await sh.context();
      } catch (e) { /* not synced yet */ }
      const roles = (sh.session.grants || []).map((g) => {
        const named = ctx && (ctx.grants || []).find((x) => x.role === g.role && x.scope_id === g.scope_id);
        return { key: `${g.role}:${g.scope_id}`, role: g.role, scope_id: g.scope_id,
          label: i18n.t(`role.${g.role}`), place: (named && named.name) || '' };
      });
      this.setData({ signedIn: true, roles, name: (ctx && ctx.person && ctx.person.name) || '' });
    },
    showPendingHere(sh) {
      this.setData({ pendingHere: sh.pendingHere().map((p) => ({ key: p.person_id,
        text: i18n.t('login.pending_here', { name: p.name || i18n.t('person.someone'), n: p.n }) })) });
    },
    async onLogin() {
      this.setData({ busy: true, error: '' });
      try {
        const sh = await shell();
        if (!sh.network.online) throw new Error(i18n.t('login.offline'));
        const session = await sh.login(this.data.server.trim(), this.data.person.trim(),
          this.data.password);
        this.setData({ busy: false, password: '' });
        if (session.grants.length === 1) {
          wx.reLaunch({ url: sh.homeUrl() });
        } else {
          this.showAccount(sh);
        }
      } catch (e) {
        showError(this, e);
      }
    },
    async onRole(e) {
      const sh = await shell();
      const { role, scope } = e.currentTarget.dataset;
      if (sh.chooseRole(role, scope)) wx.reLaunch({ url: sh.homeUrl() });
    },
    async onLogout() {
      const sh = await shell();
      await sh.logout();
      this.setData({ signedIn: false, roles: [], name: '' });
      this.showPendingHere(sh);
    },
  },
});
