import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Client certificates for the mTLS tests, made with the openssl command line (node:crypto cannot
 * issue certificates). Subjects are given in openssl's `-subj` form: `/C=JP/O=Example/CN=name`.
 */
export interface ClientCertificate {
  pem: string;
  /**
   * The subject as RFC 4514 writes it (most specific RDN first), as openssl prints it: what
   * `tls_client_auth_subject_dn` holds.
   */
  subjectDn: string;
  /** `x5t#S256` (RFC 8705 §3.1): base64url SHA-256 of the DER certificate. */
  thumbprint: string;
  /** The certificate's public key as a JWK carrying the certificate in `x5c` (RFC 8705 §2.2). */
  jwk: Record<string, unknown>;
}

export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
}

const openssl = (args: string[]) =>
  execFileSync('/usr/bin/openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const readCertificate = (certFile: string): ClientCertificate => {
  const pem = readFileSync(certFile, 'utf8');
  const cert = new X509Certificate(pem);
  const subjectDn = openssl(['x509', '-in', certFile, '-noout', '-subject', '-nameopt', 'RFC2253'])
    .trim()
    .replace(/^subject=/, '');
  const jwk = { ...cert.publicKey.export({ format: 'jwk' }), use: 'sig', x5c: [cert.raw.toString('base64')] };
  return { pem, subjectDn, thumbprint: createHash('sha256').update(cert.raw).digest('base64url'), jwk };
};

/** A scratch directory for key and certificate files; remove() deletes it. */
export const certificateWorkspace = () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-certs-'));
  let serial = 0;
  const names = (label: string) => {
    serial += 1;
    return {
      keyFile: join(dir, `${serial}-${label}.key`),
      certFile: join(dir, `${serial}-${label}.pem`),
      csrFile: join(dir, `${serial}-${label}.csr`),
    };
  };

  const newKeyArgs = (keyFile: string) => [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
  ];

  return {
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),

    /** A self-signed end-entity certificate (`self_signed_tls_client_auth`). */
    selfSigned(subject: string): ClientCertificate {
      const { keyFile, certFile } = names('self-signed');
      openssl(['req', '-x509', ...newKeyArgs(keyFile), '-out', certFile, '-days', '30', '-subj', subject]);
      return readCertificate(certFile);
    },

    /** A certificate authority, standing in for the one the bank's proxy trusts. */
    authority(subject: string): CertificateAuthority {
      const { keyFile, certFile } = names('ca');
      openssl([
        'req',
        '-x509',
        ...newKeyArgs(keyFile),
        '-out',
        certFile,
        '-days',
        '30',
        '-subj',
        subject,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
      ]);
      return { certFile, keyFile };
    },

    /** A certificate the authority issued (`tls_client_auth`). */
    issuedBy(ca: CertificateAuthority, subject: string): ClientCertificate {
      const { keyFile, certFile, csrFile } = names('issued');
      openssl(['req', '-new', ...newKeyArgs(keyFile), '-out', csrFile, '-subj', subject]);
      openssl([
        'x509',
        '-req',
        '-in',
        csrFile,
        '-CA',
        ca.certFile,
        '-CAkey',
        ca.keyFile,
        '-CAcreateserial',
        '-days',
        '30',
        '-out',
        certFile,
      ]);
      return readCertificate(certFile);
    },
  };
};
