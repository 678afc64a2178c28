/**
 * Request authentication: a TLS client certificate signed by `--client-ca`, and/or a bearer token.
 *
 * kube-scheduler's extender client sends no Authorization header (K8S-FACTS.md §2.1); it can only
 * present a client certificate (the extender's tlsConfig certFile/keyFile or certData/keyData).
 * The bearer token is for other callers (curl, a proxy, Prometheus). When both are configured,
 * either credential is enough; when one is configured it is required. The TLS handshake itself
 * never rejects a client (requestCert without rejectUnauthorized), so refusals are HTTP answers
 * that can be counted: 401 without a credential, 403 with a wrong one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** What is required of a caller. */
export interface AuthConfig {
  /** Client certificates are verified against --client-ca (server is TLS). */
  readonly clientCert: boolean;
  /** Expected bearer token, if any. */
  readonly bearerToken?: string;
}

/** The verdict for one request. */
export type AuthResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string; readonly message: string };

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Builds the per-request check. */
export function makeAuthenticator(cfg: AuthConfig): (req: IncomingMessage) => AuthResult {
  const tokenDigest = cfg.bearerToken ? digest(cfg.bearerToken) : undefined;
  if (!cfg.clientCert && !tokenDigest) return () => ({ ok: true });
  return (req) => {
    const failures: Array<Exclude<AuthResult, { ok: true }>> = [];
    if (cfg.clientCert) {
      const sock = req.socket as TLSSocket;
      const cert = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate() : undefined;
      const presented = cert !== undefined && cert !== null && Object.keys(cert).length > 0;
      if (presented && sock.authorized) return { ok: true };
      failures.push(presented
        ? { ok: false, status: 403, reason: 'client_cert_rejected', message: `client certificate rejected: ${String(sock.authorizationError ?? 'not signed by the client CA')}` }
        : { ok: false, status: 401, reason: 'client_cert_missing', message: 'client certificate required' });
    }
    if (tokenDigest) {
      const h = req.headers.authorization;
      const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
      if (m && timingSafeEqual(digest(m[1]!), tokenDigest)) return { ok: true };
      failures.push(m
        ? { ok: false, status: 403, reason: 'token_rejected', message: 'bearer token rejected' }
        : { ok: false, status: 401, reason: 'token_missing', message: 'bearer token required (Authorization: Bearer <token>)' });
    }
    // Report the most specific failure: a wrong credential (403) over a missing one (401).
    return failures.find((f) => f.status === 403) ?? failures[0]!;
  };
}
