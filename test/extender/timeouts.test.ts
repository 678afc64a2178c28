/**
 * --headers-timeout-ms and --request-timeout-ms take effect when the flag says, not up to a
 * connections-check interval (Node's default: 30 s) later: a slow client gets its 408 and the
 * connection closed within 1.5x the timeout.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { TIMEOUT_CHECK_INTERVAL_MS_MAX, timeoutCheckIntervalMs } from '../../src/extender/server.js';
import { EXTENDER_HEADERS_TIMEOUT_MS, EXTENDER_REQUEST_TIMEOUT_MS } from '../../src/model/limits.js';
import { startServer, type TestServer } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/**
 * Opens a raw connection, writes `first` and nothing more, and resolves with what the server sent
 * and when it closed the connection (Infinity if it had not after `giveUpMs`).
 */
function slowClient(url: string, first: string, giveUpMs: number): Promise<{ text: string; closedAfterMs: number }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    const socket: Socket = connect(Number(u.port), u.hostname, () => socket.write(first));
    const text = () => Buffer.concat(chunks).toString('utf8');
    const giveUp = setTimeout(() => {
      socket.removeAllListeners('close');
      socket.destroy();
      resolve({ text: text(), closedAfterMs: Infinity });
    }, giveUpMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ text: text(), closedAfterMs: performance.now() - t0 });
    });
  });
}

const TIMEOUT_MS = 300;

describe('server timeouts', () => {
  it('headers not complete within --headers-timeout-ms: 408 and closed by 1.5x the timeout', async () => {
    t = await startServer({ options: { headersTimeoutMs: TIMEOUT_MS, requestTimeoutMs: 10 * TIMEOUT_MS } });
    const r = await slowClient(t.url, 'POST /filter HTTP/1.1\r\nHost: podfit\r\nContent-Type: application/json\r\n', 5 * TIMEOUT_MS);
    expect(r.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(r.closedAfterMs).toBeLessThan(1.5 * TIMEOUT_MS);
  });

  it('a connection that sends nothing: 408 and closed by 1.5x the headers timeout', async () => {
    t = await startServer({ options: { headersTimeoutMs: TIMEOUT_MS, requestTimeoutMs: 10 * TIMEOUT_MS } });
    const r = await slowClient(t.url, '', 5 * TIMEOUT_MS);
    expect(r.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(r.closedAfterMs).toBeLessThan(1.5 * TIMEOUT_MS);
  });

  it('a body not complete within --request-timeout-ms: 408 and closed by 1.5x the timeout', async () => {
    t = await startServer({ options: { headersTimeoutMs: TIMEOUT_MS / 2, requestTimeoutMs: TIMEOUT_MS } });
    const r = await slowClient(t.url, 'POST /filter HTTP/1.1\r\nHost: podfit\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Pod":', 5 * TIMEOUT_MS);
    expect(r.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(r.closedAfterMs).toBeLessThan(1.5 * TIMEOUT_MS);
  });

  it.each([
    [EXTENDER_HEADERS_TIMEOUT_MS, EXTENDER_REQUEST_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS_MAX],
    [300, 3000, 30],
    [3000, 300, 30],
    [20, 20, 5],
    [1, 1, 5],
  ])('headers %i ms, request %i ms: checked every %i ms (a tenth of the shorter, within [5, 1000])', (headers, request, interval) => {
    expect(timeoutCheckIntervalMs(headers, request)).toBe(interval);
  });
});
