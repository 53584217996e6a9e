// A GeoReport v2 client written from the spec (wiki.open311.org/GeoReport_v2
// and mySociety's servicerequestupdates extension), not from Weige's code:
// every method takes the format ("json" or "xml"), and answers
// {status, type, body, value}: value is the spec's structure (the JSON
// answer, or the XML parsed and normalised to the same shape: lists as
// arrays, every leaf as text).
import { XMLParser } from 'fast-xml-parser';

// The spec's list elements: <services><service>, <service_requests><request>,
// <errors><error>, <attributes><attribute>, <values><value>,
// <endpoints><endpoint>, <formats><format>, and mySociety's
// <service_request_updates><request_update>.
const kLists = {
  services: 'service', service_requests: 'request', errors: 'error', attributes: 'attribute',
  values: 'value', endpoints: 'endpoint', formats: 'format', service_request_updates: 'request_update',
};
const kItems = new Set(Object.values(kLists));

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  isArray: (name) => kItems.has(name),
});

function normalise(node, name) {
  if (kLists[name] !== undefined) {
    if (node === '' || node === undefined) return [];
    return (node[kLists[name]] || []).map((e) => normalise(e, kLists[name]));
  }
  if (node !== null && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = normalise(v, k);
    return out;
  }
  return node;
}

export class Open311Client {
  constructor(endpoint, apiKey) {
    this.endpoint = endpoint.replace(/\/$/, '');
    this.apiKey = apiKey;
    this.bodies = [];  // every answer's text, for the privacy checks
  }

  async call(method, resource, format, params = {}, { form = null, withKey = true, headers = {} } = {}) {
    const url = new URL(`${this.endpoint}/${resource}.${format}`);
    const fields = { ...params };
    if (withKey && this.apiKey !== undefined && fields.api_key === undefined) fields.api_key = this.apiKey;
    let body;
    if (method === 'GET') {
      for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
    } else {
      body = form ?? new URLSearchParams(Object.entries(fields)).toString();
      headers = { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
    }
    const res = await fetch(url, { method, body, headers });
    const text = await res.text();
    this.bodies.push(text);
    const type = res.headers.get('content-type') || '';
    let value;
    if (format === 'json') {
      value = JSON.parse(text);
    } else {
      const doc = parser.parse(text);
      const [root] = Object.keys(doc);
      value = normalise(doc[root], root);
    }
    return { status: res.status, type, body: text, value, headers: res.headers };
  }

  discovery(format) { return this.call('GET', 'discovery', format, {}, { withKey: false }); }
  services(format, params) { return this.call('GET', 'services', format, params, { withKey: false }); }
  serviceDefinition(code, format) {
    return this.call('GET', `services/${encodeURIComponent(code)}`, format, {}, { withKey: false });
  }
  // fields: service_code, lat, long, address_string, address_id, description,
  // attributes {code: value | [values]} (sent as attribute[code] / attribute[code][]).
  postRequest(format, { attributes = {}, ...fields }) {
    const f = new URLSearchParams();
    if (this.apiKey !== undefined && fields.api_key === undefined) f.set('api_key', this.apiKey);
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) f.set(k, String(v));
    for (const [code, v] of Object.entries(attributes)) {
      if (Array.isArray(v)) for (const each of v) f.append(`attribute[${code}][]`, each);
      else f.set(`attribute[${code}]`, String(v));
    }
    return this.call('POST', 'requests', format, {}, { form: f.toString() });
  }
  requests(format, params = {}) { return this.call('GET', 'requests', format, params); }
  request(id, format) { return this.call('GET', `requests/${encodeURIComponent(id)}`, format); }
  token(token, format) { return this.call('GET', `tokens/${encodeURIComponent(token)}`, format); }
  updates(format, params = {}) { return this.call('GET', 'servicerequestupdates', format, params); }
}

// The spec's date-time: ISO 8601 with a zone (Z or +HH:MM).
export const kW3cDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
