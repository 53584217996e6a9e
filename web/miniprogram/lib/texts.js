// Texts the mini-program and the web app both show, zh-CN and English, kept
// once: the categories and the words for the core's stable reason keys
// (core/store, core/domain). CommonJS, as WeChat loads the mini-program's
// files (lib/i18n.js requires it); the web app's web/src/i18n.js imports it
// and esbuild bundles it (web/build.mjs). Each i18n adds the reasons only it
// shows and its own words where the two differ.

const kCategories = ['fire_safety', 'gas_safety', 'sanitation', 'greening', 'public_facility',
  'group_rental', 'elderly_care', 'fraud_prevention', 'noise', 'parking', 'other'];

const categories = {
  'zh-CN': {
    'cat.fire_safety': '消防安全',
    'cat.gas_safety': '燃气安全',
    'cat.sanitation': '环境卫生',
    'cat.greening': '绿化',
    'cat.public_facility': '公共设施',
    'cat.group_rental': '群租房',
    'cat.elderly_care': '老人关爱',
    'cat.fraud_prevention': '反诈宣传',
    'cat.noise': '噪音扰民',
    'cat.parking': '车辆停放',
    'cat.other': '其他',
    'cat.street_light': '路灯照明',
    'cat.water_leak': '房屋漏水',
    'cat.pets': '宠物管理',
  },
  en: {
    'cat.fire_safety': 'Fire safety',
    'cat.gas_safety': 'Gas safety',
    'cat.sanitation': 'Sanitation',
    'cat.greening': 'Green belt',
    'cat.public_facility': 'Public facility',
    'cat.group_rental': 'Group rental',
    'cat.elderly_care': 'Elderly care',
    'cat.fraud_prevention': 'Fraud prevention',
    'cat.noise': 'Noise',
    'cat.parking': 'Parking',
    'cat.other': 'Other',
    'cat.street_light': 'Street lights',
    'cat.water_leak': 'Water leak',
    'cat.pets': 'Pets',
  },
};

const reasons = {
  'zh-CN': {
    'item.verifier_is_fixer': '整改人不能为自己的整改销号，需由他人核验',
    'item.closed': '该整改项已销号，不能再变更',
    'item.illegal_transition': '当前状态下不能执行此操作',
    'permission.denied': '您没有权限执行此操作',
    'argument.missing': '缺少必填内容',
    'argument.too_few': '请至少添加一张照片',
    'report.not_closed': '问题销号后才能评价',
    'report.already_evaluated': '本次处理已评价过',
    'visit.findings_without_meeting': '只有见到住户的走访才能登记问题',
    'auth.bad_credentials': '账号或密码错误',
    'auth.rate_limited': '尝试次数过多，请稍后再试',
    'actor.unknown': '本机尚无您的账号数据，请联网同步',
    'argument.empty': '请填写必填内容（不能只有空格）',
    'argument.too_long': '内容太长，请精简后再提交',
    'argument.control_character': '内容含有无法识别的字符',
    'argument.wrong_type': '填写的内容格式不对',
    'argument.invalid_id': '编号格式不对',
    'json.malformed': '提交的数据已损坏，请重试',
    'report.not_handler': '只有处理该问题的人可以查看居民电话',
    'report.no_contact_consent': '居民未同意被联系',
    'report.no_phone': '居民未留电话',
    'store.full': '服务器存储已满，请稍后再试',
    'argument.out_of_range': '填写的数值超出范围',
    'argument.too_many': '数量太多，请减少后再提交',
    'argument.invalid_value': '填写的内容不在可选范围内',
    'visit.missing_answer': '走访表有必填项未填写',
    'visit.bad_answer': '走访表有一项答案格式不对',
    'visit.unknown_question': '走访表已更新，请重新打开后填写',
    'visit.exists': '这次走访已经记录过了',
    'visit.bad_cycle': '走访周期不对',
    'template.not_found': '本机尚无这份走访表，请联网同步',
    'item.not_found': '本机尚无该整改项的数据',
    'item.owner_required': '请选择一位责任人或一个部门',
    'item.place_mismatch': '位置与所选网格不符',
    'item.not_closed': '该整改项尚未销号',
    'department.not_found': '找不到该部门',
    'person.not_found': '找不到该人员',
    'report.not_found': '找不到该上报',
    'report.not_your_household': '只能为本户上报问题',
    'place.outside_microgrids': '该位置附近 300 米内没有所辖楼栋，请填写楼栋或地址',
    'building.already_located': '该楼栋已有位置，如需更正请联系网格长',
    'building.location_inaccurate': '定位精度不足，请到开阔处重试',
    'evidence.required': '请先添加照片',
    'command.id_reused': '这条记录已提交过',
    'auth.missing_token': '请重新登录',
    'auth.bad_token': '登录已过期，请重新登录',
    'auth.token_expired': '登录已过期，请重新登录',
    'role.unknown': '角色不存在',
  },
  en: {
    'item.verifier_is_fixer': 'The person who marked the fix cannot verify it; someone else must',
    'item.closed': 'The item is closed and cannot change',
    'item.illegal_transition': 'Not possible in the current state',
    'permission.denied': 'You are not allowed to do this',
    'argument.missing': 'Something required is missing',
    'argument.too_few': 'Add at least one photo',
    'report.not_closed': 'A report is rated after its item is closed',
    'report.already_evaluated': 'This closure is rated already',
    'visit.findings_without_meeting': 'Only a visit that met the household records problems',
    'auth.bad_credentials': 'Unknown account or wrong password',
    'auth.rate_limited': 'Too many attempts; try again later',
    'actor.unknown': 'This device has no data for your account yet; connect to sync',
    'argument.empty': 'Fill in what is required (spaces alone do not count)',
    'argument.too_long': 'Too long; shorten it and submit again',
    'argument.control_character': 'The text contains characters that cannot be used',
    'argument.wrong_type': 'Something is filled in the wrong format',
    'argument.invalid_id': 'The id is not in a valid format',
    'json.malformed': 'The data sent was damaged; try again',
    'report.not_handler': "Only the person handling the item sees the resident's phone",
    'report.no_contact_consent': 'The resident did not agree to be contacted',
    'report.no_phone': 'The resident left no phone number',
    'store.full': 'The server is out of storage; try again later',
    'argument.out_of_range': 'A number is out of range',
    'argument.too_many': 'Too many; remove some and submit again',
    'argument.invalid_value': 'A value is not one of the choices',
    'visit.missing_answer': 'A required question is not answered',
    'visit.bad_answer': 'An answer is in the wrong format',
    'visit.unknown_question': 'The checklist changed; open it again',
    'visit.exists': 'This visit is recorded already',
    'visit.bad_cycle': 'The visit cycle is not valid',
    'template.not_found': 'This device lacks that checklist; connect to sync',
    'item.not_found': 'This device has no data for that item',
    'item.owner_required': 'Choose one person or one department',
    'item.place_mismatch': 'The place is not in the chosen micro-grid',
    'item.not_closed': 'The item is not closed',
    'department.not_found': 'No such department',
    'person.not_found': 'No such person',
    'report.not_found': 'No such report',
    'report.not_your_household': 'You report only for your own household',
    'place.outside_microgrids': 'No building of any micro-grid lies within 300 m of this place; name the building or the address',
    'building.already_located': 'This building has a location already; a grid head may correct it',
    'building.location_inaccurate': 'The position is not accurate enough; try again in the open',
    'evidence.required': 'Add a photo first',
    'command.id_reused': 'This record was sent already',
    'auth.missing_token': 'Please sign in again',
    'auth.bad_token': 'Your session has expired; please sign in again',
    'auth.token_expired': 'Your session has expired; please sign in again',
    'role.unknown': 'No such role',
  },
};

// A checklist template's body as `lang` shows it: the title and each
// question's label in English where the template has them (title_en,
// label_en; the core checks them), and each question's option_labels beside
// its options. The options stay the values an answer carries, whatever the
// language.
function localTemplate(body, lang) {
  const en = lang === 'en';
  const pick = (text, english) =>
    (en && typeof english === 'string' && english.trim() ? english.trim() : text);
  return Object.assign({}, body, {
    title: pick(body.title, body.title_en),
    questions: (body.questions || []).map((q) => Object.assign({}, q, {
      label: pick(q.label, q.label_en),
      option_labels: (q.options || []).map((o, i) => pick(o, (q.options_en || [])[i])),
    })),
  });
}

module.exports = { kCategories, categories, reasons, localTemplate };
