/** HTTPS, client certificates and bearer tokens: valid credentials pass, others get 401/403 and are counted. */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, send, startServer, tlsFile, type TestServer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ca = tlsFile('ca.crt');
const client = { cert: tlsFile('client.crt'), key: tlsFile('client.key') };
const rogue = { cert: tlsFile('rogue.crt'), key: tlsFile('rogue.key') };
const tls = (clientCa = false) => ({ cert: tlsFile('server.crt'), key: tlsFile('server.key'), ...(clientCa ? { clientCa: ca } : {}) });
const filter = (url: string, opts: Parameters<typeof send>[1] = {}) => send(`${url}/filter`, { body: fixture('filter-nodenames.request.json'), ...opts });

describe('TLS', () => {
  it('serves the golden answers over HTTPS, verified against the CA', async () => {
    t = await startServer({ options: { tls: tls() } });
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await filter(t.url, { tls: { ca } });
    expect(res.status).toBe(200);
    expect(res.text + '\n').toBe(fixture('filter-nodenames.response.json'));
  });

  it('with --client-ca: a CA-signed client certificate passes; none is 401, a foreign one 403', async () => {
    t = await startServer({ options: { tls: tls(true) } });
    expect((await filter(t.url, { tls: { ca, ...client } })).status).toBe(200);
    const missing = await filter(t.url, { tls: { ca } });
    expect(missing.status).toBe(401);
    expect(missing.json<{ Error: string }>().Error).toBe('client certificate required');
    const wrong = await filter(t.url, { tls: { ca, ...rogue } });
    expect(wrong.status).toBe(403);
    expect(wrong.json<{ Error: string }>().Error).toMatch(/^client certificate rejected: /);
    // Probes need no credentials (kubelet cannot present them); metrics do.
    expect((await send(`${t.url}/healthz`, { tls: { ca } })).status).toBe(200);
    expect((await send(`${t.url}/readyz`, { tls: { ca } })).status).toBe(200);
    expect((await send(`${t.url}/metrics`, { tls: { ca } })).status).toBe(401);
    const m = (await send(`${t.url}/metrics`, { tls: { ca, ...client } })).text;
    expect(m).toContain('podfit_extender_auth_failures_total{reason="client_cert_missing"} 2');
    expect(m).toContain('podfit_extender_auth_failures_total{reason="client_cert_rejected"} 1');
    expect(m).toContain('podfit_extender_requests_total{verb="filter",code="401"} 1');
    expect(m).toContain('podfit_extender_requests_total{verb="filter",code="403"} 1');
  });
});

describe('bearer token', () => {
  it('requires "Authorization: Bearer <token>": missing 401 with WWW-Authenticate, wrong 403', async () => {
    t = await startServer({ options: { bearerToken: 's3cret' } });
    expect((await filter(t.url, { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await filter(t.url, { headers: { Authorization: 'bearer s3cret' } })).status).toBe(200);
    const none = await filter(t.url);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await filter(t.url, { headers: { Authorization: 'Basic czNjcmV0' } })).status).toBe(401);
    expect((await filter(t.url, { headers: { Authorization: 'Bearer s3cret-not' } })).status).toBe(403);
    expect((await send(`${t.url}/version`)).status).toBe(401);
    const m = (await send(`${t.url}/metrics`, { headers: { Authorization: 'Bearer s3cret' } })).text;
    expect(m).toContain('podfit_extender_auth_failures_total{reason="token_missing"} 3');
    expect(m).toContain('podfit_extender_auth_failures_total{reason="token_rejected"} 1');
  });

  it('with both a client CA and a token, either credential is enough (kube-scheduler can only send a certificate)', async () => {
    t = await startServer({ options: { tls: tls(true), bearerToken: 'tok' } });
    expect((await filter(t.url, { tls: { ca, ...client } })).status).toBe(200);
    expect((await filter(t.url, { tls: { ca }, headers: { Authorization: 'Bearer tok' } })).status).toBe(200);
    expect((await filter(t.url, { tls: { ca } })).status).toBe(401);
    expect((await filter(t.url, { tls: { ca, ...rogue } })).status).toBe(403);
    expect((await filter(t.url, { tls: { ca }, headers: { Authorization: 'Bearer nope' } })).status).toBe(403);
  });
});
