// The WeChat variant's --pre-js. The shell has WXWebAssembly and no
// WebAssembly; the glue only checks that the name exists and builds a
// RuntimeError on abort. The instance itself always comes from the
// instantiateWasm hook (offline/src/hosts/wechat.js), never from this object.
var WebAssembly = {
  RuntimeError: (typeof WXWebAssembly == 'object' && WXWebAssembly.RuntimeError) || Error,
};
