/**
 * `podfit serve` with TLS and token files that cannot serve: exit 2 with one line naming the flag
 * and the file, before anything starts (no stack trace, no process left running without a port).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readBearerToken, readTlsFiles } from '../../src/cli/tls-files.js';
import { UsageError } from '../../src/cli/errors.js';

const TLS = new URL('../fixtures/extender/tls/', import.meta.url).pathname;
const CLUSTER = new URL('../fixtures/extender/cluster.json', import.meta.url).pathname;
const tls = (name: string) => join(TLS, name);

const dir = mkdtempSync(join(tmpdir(), 'podfit-tls-files-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const notPem = write('not-pem.crt', 'this is not a certificate\n');
const derLike = write('binary.crt', '\u0030\u0082\u0001\u0000garbage');
const brokenPem = write('broken.crt', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
const encryptedKey = write('encrypted.key', generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
}).privateKey);
const emptyToken = write('empty.token', '\n');
const twoWordToken = write('two-words.token', 'abc def\n');
const goodToken = write('good.token', 's3cret\n');
const missing = join(dir, 'missing');

const good = { cert: tls('server.crt'), key: tls('server.key'), clientCa: tls('ca.crt') };

describe('readTlsFiles', () => {
  it('reads a certificate, its key and a CA', () => {
    const f = readTlsFiles(good);
    expect(f.cert).toMatch(/BEGIN CERTIFICATE/);
    expect(f.key).toMatch(/PRIVATE KEY/);
    expect(f.clientCa).toMatch(/BEGIN CERTIFICATE/);
    expect(readTlsFiles({ cert: good.cert, key: good.key }).clientCa).toBeUndefined();
  });

  it.each([
    ['a certificate that is not PEM', { ...good, cert: notPem }, `--tls-cert: ${notPem} is not a PEM certificate`],
    ['a binary certificate', { ...good, cert: derLike }, `--tls-cert: ${derLike} is not a PEM certificate`],
    ['a PEM block that is no certificate', { ...good, cert: brokenPem }, `--tls-cert: ${brokenPem}: certificate 1 of 1 cannot be parsed`],
    ['a certificate given as the key', { ...good, key: tls('server.crt') }, `--tls-key: ${tls('server.crt')} is not a PEM private key`],
    ['a key that is not PEM', { ...good, key: notPem }, `--tls-key: ${notPem} is not a PEM private key`],
    ['an encrypted key', { ...good, key: encryptedKey }, `--tls-key: ${encryptedKey} is encrypted`],
    ['a key of another certificate', { ...good, key: tls('rogue.key') }, `--tls-key: ${tls('rogue.key')} is not the private key of the certificate in --tls-cert ${tls('server.crt')}`],
    ['a CA file without a certificate', { ...good, clientCa: tls('server.key') }, `--client-ca: ${tls('server.key')} is not a PEM CA certificate`],
    ['a CA that is not PEM', { ...good, clientCa: notPem }, `--client-ca: ${notPem} is not a PEM CA certificate`],
    ['a missing certificate', { ...good, cert: missing }, `--tls-cert: cannot read ${missing}: ENOENT`],
    ['a missing key', { ...good, key: missing }, `--tls-key: cannot read ${missing}: ENOENT`],
    ['an unreadable CA (a directory)', { ...good, clientCa: dir }, `--client-ca: cannot read ${dir}: EISDIR`],
  ])('%s is a UsageError naming the flag and file', (_what, paths, message) => {
    expect(() => readTlsFiles(paths)).toThrow(UsageError);
    expect(() => readTlsFiles(paths)).toThrow(message);
  });
});

describe('readBearerToken', () => {
  it('takes the file over the environment, trimmed; none when neither is set', () => {
    expect(readBearerToken(goodToken, 'env')).toBe('s3cret');
    expect(readBearerToken(undefined, ' env\n')).toBe('env');
    expect(readBearerToken(undefined, undefined)).toBeUndefined();
    expect(readBearerToken(undefined, '  ')).toBeUndefined();
  });

  it.each([
    [missing, undefined, `--token-file: cannot read ${missing}: ENOENT`],
    [emptyToken, undefined, `--token-file: ${emptyToken} is empty`],
    [twoWordToken, undefined, `--token-file: ${twoWordToken} holds whitespace inside the token`],
    [undefined, 'a b', 'PODFIT_BEARER_TOKEN holds whitespace inside the token'],
  ])('file %s, env %j: UsageError %s', (file, env, message) => {
    expect(() => readBearerToken(file, env)).toThrow(UsageError);
    expect(() => readBearerToken(file, env)).toThrow(message);
  });
});

describe('podfit serve with files that cannot serve', () => {
  const serve = async (...args: string[]) => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await main(['node', 'podfit', 'serve', '--cluster', CLUSTER, '--port', '0', '--address', '127.0.0.1', '--log-level', 'silent', ...args], {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  it.each([
    [['--tls-cert', notPem, '--tls-key', good.key], `error: --tls-cert: ${notPem} is not a PEM certificate`],
    [['--tls-cert', good.cert, '--tls-key', tls('rogue.key')], `error: --tls-key: ${tls('rogue.key')} is not the private key of the certificate`],
    [['--tls-cert', good.cert, '--tls-key', good.key, '--client-ca', missing], `error: --client-ca: cannot read ${missing}: ENOENT`],
    [['--tls-cert', good.cert, '--tls-key', good.key, '--client-ca', notPem], `error: --client-ca: ${notPem} is not a PEM CA certificate`],
    [['--token-file', missing], `error: --token-file: cannot read ${missing}: ENOENT`],
    [['--headers-timeout-ms', '60000'], 'error: --headers-timeout-ms (60000) must not exceed --request-timeout-ms (30000)'],
  ])('%j: exit 2, one line, not listening', async (args, message) => {
    const r = await serve(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).not.toContain('listening');
  });

  it('the installed command exits 2 at once with the message, not a stack trace', () => {
    const r = spawnSync(process.execPath, ['bin/podfit.js', 'serve', '--cluster', CLUSTER, '--port', '0', '--tls-cert', notPem, '--tls-key', good.key], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.signal).toBeNull(); // not killed by the timeout: the process ended by itself
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`error: --tls-cert: ${notPem} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)\n`);
  });
});
