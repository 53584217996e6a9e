// Every string the mini-program shows, zh-CN first, English second.
// t(key, vars) looks a key up in the current language, falling back to
// Chinese, then to the key; {name} placeholders are filled from vars.
// reasonText() turns a core result's stable reason key into words; an
// unknown reason shows the core's own message.
const texts = require('./texts.js');

const zh = Object.assign({
  'app.name': '微格',
  'lang.toggle': 'EN',
  'net.online': '在线',
  'net.offline': '离线',
  'sync.pending': '待同步 {n}',
  'sync.synced': '已同步',
  'sync.running': '同步中…',
  'sync.rejected': '被拒 {n}',
  'sync.now': '立即同步',
  'sync.auth': '登录已过期，请重新登录后同步',
  'login.title': '登录微格',
  'login.server': '服务器地址',
  'login.person': '账号',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '登录失败：{msg}',
  'login.offline': '首次登录需要网络连接',
  'login.hint': '演示账号见服务器启动时打印的列表',
  'role.worker': '微网格员',
  'role.grid_head': '网格长',
  'role.captain': '楼栋长',
  'role.resident': '居民',
  'role.department': '职能部门',
  'role.admin': '管理员',
  'role.choose': '选择角色',
  'role.none': '此账号在小程序中没有可用的角色（网格长请使用网页版）',
  'logout': '退出登录',
  'submit': '提交',
  'saved': '已保存，联网后自动同步',
  'loading': '加载中…',
  'empty': '暂无',
  'required': '必填',
  'worker.title': '敲门行动',
  'worker.cycle': '本期 {cycle}',
  'worker.coverage': '已走访 {visited} / {total} 户（{pct}）',
  'worker.due': '待走访 {n} 户',
  'worker.all_done': '本期走访已全部完成',
  'worker.last': '上次：{outcome}',
  'worker.my_items': '我的整改项',
  'worker.found_items': '我发现的',
  'worker.search_ph': '搜索楼栋、单元、房号或户主',
  'worker.show_all': '显示已走访的住户',
  'worker.visited': '已走访',
  'worker.no_match': '没有符合条件的住户',
  'worker.no_data': '本机还没有本网格的数据，请联网同步',
  'visit.title': '入户走访',
  'visit.outcome': '走访结果',
  'outcome.met': '见到住户',
  'outcome.not_home': '无人在家',
  'outcome.refused': '拒绝走访',
  'outcome.vacant': '空置房',
  'visit.yes': '是',
  'visit.no': '否',
  'visit.fix_on_spot': '当场整改（拍照留证）',
  'visit.notes': '备注',
  'visit.photos': '走访照片',
  'visit.saved': '走访已记录',
  'visit.missing': '请填写：{label}',
  'visit.missing_here': '此项必填',
  'visit.saved_items': '走访已记录，生成 {n} 条整改项',
  'items.title': '整改清单',
  'items.overdue': '超期',
  'items.deadline': '期限 {date}',
  'items.none': '没有待处理的整改项',
  'state.open': '待指派',
  'state.assigned': '整改中',
  'state.fixed': '待销号',
  'state.closed': '已销号',
  'item.title': '整改项',
  'item.mark_fixed': '标记已整改',
  'item.verify': '核验销号',
  'item.comment': '添加说明',
  'item.evidence': '整改/核验照片',
  'item.note': '说明',
  'item.timeline': '处理过程',
  'item.done': '已保存',
  'captain.title': '楼栋清单',
  'captain.patrol': '每日巡查',
  'captain.add_item': '新增问题',
  'patrol.title': '每日巡查',
  'patrol.notes': '巡查情况',
  'patrol.photos': '巡查照片',
  'patrol.finding': '发现问题（选填）',
  'patrol.saved': '巡查已记录',
  'add.title': '新增问题',
  'add.category': '类别',
  'add.what': '问题',
  'add.description': '描述',
  'add.deadline_days': '整改期限（天）',
  'add.photos': '问题照片',
  'add.fixed': '即查即改：已当场整改（整改照片）',
  'add.saved': '问题已登记',
  'resident.title': '我的上报',
  'resident.report': '我要上报',
  'resident.none': '您还没有上报过问题',
  'report.title': '上报问题',
  'report.category': '问题类别',
  'report.description': '问题描述',
  'report.place_home': '我家所在楼栋',
  'report.place_free': '其他地址',
  'report.unit': '单元',
  'report.room': '房间',
  'report.address': '地址',
  'report.photos': '照片',
  'report.phone': '联系电话（选填）',
  'report.contact_ok': '同意处理人员电话联系我',
  'report.saved': '上报已提交，我们会尽快处理',
  'report.evaluate': '评价处理结果',
  'report.rating': '满意度（1-5 星）',
  'report.comment': '评价内容',
  'report.evaluated': '已评价 {n} 星',
  'report.thanks': '感谢您的评价',
  'report.reopened': '您不满意，问题已重新打开',
  'event.report.submitted': '已提交',
  'event.report.evaluated': '已评价',
  'event.report.phone_revealed': '处理人员查看了联系电话',
  'event.item.opened': '已登记',
  'event.item.assigned': '已指派',
  'event.item.fixed': '已整改',
  'event.item.closed': '已销号',
  'event.item.fix_rejected': '整改被退回',
  'event.item.reopened': '重新打开',
  'event.item.escalated': '已吹哨',
  'event.item.acknowledged': '部门已报到',
  'event.item.commented': '说明',
  'photo.add': '拍照/选择照片',
  'photo.too_many': '最多 {n} 张照片',
  'inbox.title': '被拒记录',
  'inbox.empty': '没有被服务器拒绝的记录',
  'err.generic': '出错了：{msg}',
  'err.storage_full': '手机存储空间不足，无法保存',
  'err.network': '网络不可用',
  'err.unknown_reason': '操作未能完成，请检查填写的内容后重试',
  'item.escalated_by': '吹哨人 {name}',
  'item.ack_deadline': '报到期限 {time}',
  'person.someone': '工作人员',
  'login.pending_here': '本机保存着 {name} 的 {n} 条未同步记录，本人登录后会自动上传',
}, texts.categories['zh-CN']);

const en = Object.assign({
  'app.name': 'Weige',
  'lang.toggle': '中文',
  'net.online': 'Online',
  'net.offline': 'Offline',
  'sync.pending': '{n} to sync',
  'sync.synced': 'Synced',
  'sync.running': 'Syncing…',
  'sync.rejected': '{n} rejected',
  'sync.now': 'Sync now',
  'sync.auth': 'Signed out by the server; sign in again to sync',
  'login.title': 'Sign in to Weige',
  'login.server': 'Server',
  'login.person': 'Account',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.failed': 'Sign-in failed: {msg}',
  'login.offline': 'The first sign-in needs a network connection',
  'login.hint': 'Demo accounts are printed when the server starts',
  'role.worker': 'Micro-grid worker',
  'role.grid_head': 'Grid head',
  'role.captain': 'Building captain',
  'role.resident': 'Resident',
  'role.department': 'Department',
  'role.admin': 'Administrator',
  'role.choose': 'Choose a role',
  'role.none': 'This account has no role the mini-program serves (grid heads: use the web app)',
  'logout': 'Sign out',
  'submit': 'Submit',
  'saved': 'Saved; it syncs when online',
  'loading': 'Loading…',
  'empty': 'Nothing here',
  'required': 'required',
  'worker.title': 'Door knocking',
  'worker.cycle': 'Cycle {cycle}',
  'worker.coverage': '{visited} of {total} households visited ({pct})',
  'worker.due': '{n} households due',
  'worker.all_done': 'Every household is visited this cycle',
  'worker.last': 'Last: {outcome}',
  'worker.my_items': 'My items',
  'worker.found_items': 'Found by me',
  'worker.search_ph': 'Search building, unit, room or head of household',
  'worker.show_all': 'Show visited households',
  'worker.visited': 'Visited',
  'worker.no_match': 'No household matches',
  'worker.no_data': 'No data for your micro-grid on this phone yet; sync online',
  'visit.title': 'Household visit',
  'visit.outcome': 'Outcome',
  'outcome.met': 'Met the household',
  'outcome.not_home': 'Nobody home',
  'outcome.refused': 'Refused',
  'outcome.vacant': 'Vacant',
  'visit.yes': 'Yes',
  'visit.no': 'No',
  'visit.fix_on_spot': 'Fixed on the spot (photo)',
  'visit.notes': 'Notes',
  'visit.photos': 'Visit photos',
  'visit.saved': 'Visit recorded',
  'visit.missing': 'Please answer: {label}',
  'visit.missing_here': 'This answer is required',
  'visit.saved_items': 'Visit recorded; {n} items opened',
  'items.title': 'Checklist',
  'items.overdue': 'Overdue',
  'items.deadline': 'Due {date}',
  'items.none': 'No items to work on',
  'state.open': 'Open',
  'state.assigned': 'Assigned',
  'state.fixed': 'Fixed, to verify',
  'state.closed': 'Closed',
  'item.title': 'Item',
  'item.mark_fixed': 'Mark fixed',
  'item.verify': 'Verify and close',
  'item.comment': 'Comment',
  'item.evidence': 'Evidence photos',
  'item.note': 'Note',
  'item.timeline': 'History',
  'item.done': 'Saved',
  'captain.title': 'Building checklist',
  'captain.patrol': 'Daily patrol',
  'captain.add_item': 'Add an item',
  'patrol.title': 'Daily patrol',
  'patrol.notes': 'What you saw',
  'patrol.photos': 'Patrol photos',
  'patrol.finding': 'A problem found (optional)',
  'patrol.saved': 'Patrol recorded',
  'add.title': 'Add an item',
  'add.category': 'Category',
  'add.what': 'Problem',
  'add.description': 'Description',
  'add.deadline_days': 'Days to fix',
  'add.photos': 'Photos of the problem',
  'add.fixed': 'Fixed on the spot (photo of the fix)',
  'add.saved': 'Item added',
  'resident.title': 'My reports',
  'resident.report': 'Report a problem',
  'resident.none': 'You have not reported anything yet',
  'report.title': 'Report a problem',
  'report.category': 'Category',
  'report.description': 'What is wrong',
  'report.place_home': 'My building',
  'report.place_free': 'Another address',
  'report.unit': 'Unit',
  'report.room': 'Room',
  'report.address': 'Address',
  'report.photos': 'Photos',
  'report.phone': 'Phone (optional)',
  'report.contact_ok': 'The person handling it may phone me',
  'report.saved': 'Report sent; we will handle it soon',
  'report.evaluate': 'Rate the result',
  'report.rating': 'Rating (1-5 stars)',
  'report.comment': 'Comment',
  'report.evaluated': 'Rated {n} stars',
  'report.thanks': 'Thank you for rating',
  'report.reopened': 'Not satisfied: the item is reopened',
  'event.report.submitted': 'Submitted',
  'event.report.evaluated': 'Rated',
  'event.report.phone_revealed': 'The handler viewed the phone number',
  'event.item.opened': 'Opened',
  'event.item.assigned': 'Assigned',
  'event.item.fixed': 'Fixed',
  'event.item.closed': 'Closed',
  'event.item.fix_rejected': 'Fix rejected',
  'event.item.reopened': 'Reopened',
  'event.item.escalated': 'Escalated',
  'event.item.acknowledged': 'Acknowledged',
  'event.item.commented': 'Comment',
  'photo.add': 'Take or choose a photo',
  'photo.too_many': 'At most {n} photos',
  'inbox.title': 'Rejected records',
  'inbox.empty': 'Nothing was rejected by the server',
  'err.generic': 'Something went wrong: {msg}',
  'err.storage_full': 'The phone storage is full; nothing was saved',
  'err.network': 'No network',
  'err.unknown_reason': 'This could not be done; check what you filled in and try again',
  'item.escalated_by': 'Escalated by {name}',
  'item.ack_deadline': 'Acknowledge by {time}',
  'person.someone': 'Staff',
  'login.pending_here': 'This phone keeps {n} unsynced records of {name}; they are sent when that person signs in',
}, texts.categories.en);

// The core's reason keys (core/store, core/domain), for people.
// The core's reason keys (core/store, core/domain), for people: the shared
// ones (lib/texts.js) and the mini-program's own. (Object.assign, not
// spread: older WeChat JavaScript engines lack object spread.)
const reasons = {
  'zh-CN': Object.assign({}, texts.reasons['zh-CN'], {
    'argument.too_long': '内容太长，请精简',
    'visit.missing_answer': '走访表有必填项未填写',
    'host.not_durable': '手机存储空间不足，记录未能保存',
  }),
  en: Object.assign({}, texts.reasons.en, {
    'argument.too_long': 'The text is too long',
    'visit.missing_answer': 'A required question of the checklist is not answered',
    'actor.unknown': 'This phone has no data for your account yet; sync online first',
    'host.not_durable': 'The phone storage is full; the record was not saved',
  }),
};

const tables = { 'zh-CN': zh, en };
let lang = 'zh-CN';

function setLang(next) {
  lang = tables[next] ? next : 'zh-CN';
  return lang;
}

function getLang() {
  return lang;
}

function t(key, vars) {
  let s = tables[lang][key];
  if (s === undefined) s = zh[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

/** Words for a core error or result {code, reason, message}. */
function reasonText(err) {
  if (!err) return '';
  const table = reasons[lang];
  if (err.reason && table[err.reason]) return table[err.reason];
  if (err.reason && reasons['zh-CN'][err.reason]) return reasons['zh-CN'][err.reason];
  // The core's message is English for developers: English mode only; never a key.
  if (lang === 'en' && err.message) return err.message;
  return t('err.unknown_reason');
}

const { kCategories } = texts;

function categoryName(c) {
  const s = t(`cat.${c}`);
  return s === `cat.${c}` ? t('cat.other') : s;
}

/** A page's strings: every key of the table, for setData({ s: strings() }). */
function strings() {
  const out = {};
  for (const key of Object.keys(zh)) out[key.replace(/\./g, '_')] = t(key);
  return out;
}

// A checklist template's body in the current language (texts.js).
function localTemplate(body) {
  return texts.localTemplate(body, lang);
}

module.exports = { t, setLang, getLang, reasonText, kCategories, categoryName, strings,
  localTemplate };
