// An HTTP proxy on loopback that breaks requests on purpose, between the
// sync clients and the real weige-server. Each request gets one fault, chosen
// by `choose(req)` (seeded by the test):
//   pass           forwarded, answered
//   drop_request   the connection is cut before the server sees anything
//   drop_response  forwarded; once the server has answered (and committed),
//                  the connection is cut instead of answering
//   duplicate      forwarded twice (at once or one after the other); the
//                  client gets the second answer
//   delay          forwarded after 20-300 ms
//   reorder        held until the next request arrives (or 250 ms), which
//                  then goes first
import http from 'node:http';

export const kFaults = ['pass', 'drop_request', 'drop_response', 'duplicate', 'delay', 'reorder'];

export async function startFaultProxy({ target, choose, random = Math.random }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const counts = Object.fromEntries(kFaults.map((f) => [f, 0]));
  let held = null;  // {release}

  const forward = (req, body) => new Promise((resolve, reject) => {
    const up = http.request({ host: target.host, port: target.port, method: req.method,
      path: req.url, agent, headers: { ...req.headers, host: `${target.host}:${target.port}` } },
    (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    up.on('error', reject);
    up.end(body);
  });

  const answer = (res, up) => {
    const headers = { ...up.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(up.body.length);
    res.writeHead(up.status, headers);
    res.end(up.body);
  };

  const cut = (req, res) => {
    res.destroy();
    req.socket.destroy();
  };

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      // A request arriving while another is held for reordering goes first.
      const waiting = held;
      held = null;
      const fault = choose(req);
      counts[fault] = (counts[fault] || 0) + 1;
      try {
        if (fault === 'drop_request') {
          cut(req, res);
        } else if (fault === 'drop_response') {
          await forward(req, body);
          cut(req, res);
        } else if (fault === 'duplicate') {
          let up;
          if (random() < 0.5) {
            [, up] = await Promise.all([forward(req, body), forward(req, body)]);
          } else {
            await forward(req, body);
            up = await forward(req, body);
          }
          answer(res, up);
        } else if (fault === 'delay') {
          await sleep(20 + Math.floor(random() * 280));
          answer(res, await forward(req, body));
        } else if (fault === 'reorder' && !waiting) {
          await new Promise((release) => {
            const timer = setTimeout(release, 250);
            held = { release: () => { clearTimeout(timer); release(); } };
          });
          answer(res, await forward(req, body));
        } else {
          answer(res, await forward(req, body));
        }
      } catch (e) {
        cut(req, res);
      } finally {
        if (waiting) waiting.release();
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    async close() {
      if (held) held.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
