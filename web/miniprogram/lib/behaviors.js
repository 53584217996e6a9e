// Behaviors the pages share (WeChat merges a behavior's data and methods into
// the page; the page's own methods of the same name win):
//   langPage  the strings on load, and again with a reload (this.load()) when
//             the language changes
//   listPage  langPage, loaded on every show; a row opens its item; the
//             account (sign-in) page
//   formPage  a form with photos and a category picker that submits one
//             command, then goes back
const { shell, showError, i18n } = require('./page.js');

const langPage = Behavior({
  methods: {
    onLoad() {
      this.setData({ s: i18n.strings() });
    },
    onLang() {
      this.setData({ s: i18n.strings() });
      return this.load();
    },
  },
});

const listPage = Behavior({
  behaviors: [langPage],
  methods: {
    onShow() {
      return this.load();
    },
    onItem(e) {
      wx.navigateTo({ url: `/pages/item/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
    },
    onAccount() {
      wx.navigateTo({ url: '/pages/login/index?account=1' });
    },
  },
});

const formPage = Behavior({
  methods: {
    onLoad() {
      this.initForm();
    },
    /** No photos yet; the strings and the categories, with `data` set too. */
    initForm(data) {
      this.photos = [];
      this.setData(Object.assign({ s: i18n.strings(),
        categories: i18n.kCategories.map((id) => ({ id, label: i18n.categoryName(id) })) }, data));
    },
    onInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value });
    },
    onCategory(e) {
      this.setData({ category: Number(e.detail.value) });
    },
    onPhotos(e) {
      this.photos = e.detail.shas;
    },
    /**
     * Busy while `send(shell)` dispatches (and says it is done); then back to
     * the page before, or the failure shown here.
     */
    async submit(send) {
      this.setData({ busy: true, error: '' });
      try {
        await send(await shell());
        this.setData({ busy: false });
        wx.navigateBack();
      } catch (e) {
        showError(this, e);
      }
    },
  },
});

module.exports = { langPage, listPage, formPage };
