/**
 * The files behind `podfit serve`'s --tls-cert, --tls-key, --client-ca and --token-file, read and
 * checked before anything starts: a file that cannot serve (not PEM, a key of another certificate,
 * a CA file without a certificate, an empty token) is a UsageError naming the flag and the file
 * (exit 2), never a stack trace from deep inside Node's TLS set-up with a half-started process.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { UsageError } from './errors.js';

/** The TLS material the server is given (src/extender/server.ts ServerOptions.tls). */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly clientCa?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** OpenSSL's message without its `error:0480006C:PEM routines::` prefix. */
function reason(e: unknown): string {
  const m = (e as Error)?.message ?? String(e);
  return m.replace(/^error:[0-9A-Fa-f]+:[^:]*::?/, '');
}

/** A file a flag names, as text; a UsageError naming both when it cannot be read. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The PEM certificates in `text` (at least one), each parsed; `what` says what the file should hold. */
function certificates(flag: string, path: string, text: string, what: string): X509Certificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new UsageError(`${flag}: ${path} is not a PEM ${what} (no "-----BEGIN CERTIFICATE-----" block)`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new UsageError(`${flag}: ${path}: certificate ${i + 1} of ${blocks.length} cannot be parsed: ${reason(e)}`);
    }
  });
}

function privateKey(flag: string, path: string, text: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new UsageError(`${flag}: ${path} is not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" block)`);
  try {
    return createPrivateKey(text);
  } catch (e) {
    const encrypted = /ENCRYPTED/.test(text) || (e as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE';
    throw new UsageError(`${flag}: ${path} ${encrypted ? 'is encrypted (podfit takes an unencrypted key)' : `cannot be parsed as a private key: ${reason(e)}`}`);
  }
}

/**
 * Reads and checks the serving certificate, its key and the optional client CA: each must be PEM,
 * the key must be the certificate's, and the three must make a TLS context (as the server will).
 */
export function readTlsFiles(paths: { readonly cert: string; readonly key: string; readonly clientCa?: string }): TlsFiles {
  const cert = readFlagFile('--tls-cert', paths.cert);
  const key = readFlagFile('--tls-key', paths.key);
  const clientCa = paths.clientCa === undefined ? undefined : readFlagFile('--client-ca', paths.clientCa);
  // The first certificate is the server's own; any after it are its chain.
  const leaf = certificates('--tls-cert', paths.cert, cert, 'certificate')[0]!;
  const keyObject = privateKey('--tls-key', paths.key, key);
  if (!leaf.checkPrivateKey(keyObject)) {
    throw new UsageError(`--tls-key: ${paths.key} is not the private key of the certificate in --tls-cert ${paths.cert}`);
  }
  // Node accepts a CA file without any certificate and then rejects every client: refuse it here.
  if (clientCa !== undefined) certificates('--client-ca', paths.clientCa!, clientCa, 'CA certificate');
  try {
    createSecureContext({ cert, key, ca: clientCa, minVersion: 'TLSv1.2' });
  } catch (e) {
    const files = `--tls-cert ${paths.cert}, --tls-key ${paths.key}${paths.clientCa ? `, --client-ca ${paths.clientCa}` : ''}`;
    throw new UsageError(`TLS files (${files}) cannot be used: ${reason(e)}`);
  }
  return { cert, key, ...(clientCa !== undefined ? { clientCa } : {}) };
}

/**
 * The bearer token from --token-file, else from `envToken` (PODFIT_BEARER_TOKEN), else none.
 * Surrounding whitespace (a trailing newline) is dropped; a token with whitespace inside could
 * never match "Authorization: Bearer <token>", so it is refused.
 */
export function readBearerToken(tokenFile: string | undefined, envToken: string | undefined): string | undefined {
  const [source, raw] = tokenFile !== undefined ? [`--token-file: ${tokenFile}`, readFlagFile('--token-file', tokenFile)] : ['PODFIT_BEARER_TOKEN', envToken];
  const token = raw?.trim();
  if (!token) {
    if (tokenFile !== undefined) throw new UsageError(`${source} is empty`);
    return undefined;
  }
  if (/\s/.test(token)) throw new UsageError(`${source} holds whitespace inside the token; a bearer token is one word`);
  return token;
}
