import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** Where the certificate came from, for the start-up log line. */
  source: string;
}

export interface TlsSource {
  certPath?: string | undefined;
  keyPath?: string | undefined;
  /** Where a generated certificate is kept; `memory://…` keeps it in memory only. */
  dataDir: string;
}

/**
 * The operator's certificate or key (SMTP_TLS_CERT / SMTP_TLS_KEY) is not set, cannot be read, or is not PEM of its
 * kind; `cause` is the file system's or the parser's error.
 */
export class TlsFileError extends Error {
  constructor(
    readonly file: "cert" | "key",
    readonly path: string | undefined,
    readonly problem: "missing" | "unreadable" | "invalid",
    options?: { cause: unknown },
  ) {
    super(`The TLS ${file === "cert" ? "certificate" : "private key"} ${path ?? ""} is ${problem}`, options);
    this.name = "TlsFileError";
  }
}

/** Reads one of the operator's PEM files and checks it parses, so a wrong file fails at start-up, not at STARTTLS. */
async function readPem(file: "cert" | "key", path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch (error) {
    throw new TlsFileError(file, path, "unreadable", { cause: error });
  }
  try {
    if (file === "cert") new X509Certificate(pem);
    else createPrivateKey(pem);
  } catch (error) {
    throw new TlsFileError(file, path, "invalid", { cause: error });
  }
  return pem;
}

const RENEW_BEFORE_MS = 7 * 24 * 60 * 60_000;

/**
 * The operator's certificate when SMTP_TLS_CERT/KEY are set; otherwise a self-signed one for development,
 * generated once into DATA_DIR and reused (and replaced shortly before it expires), so clients that pin it keep
 * working across restarts.
 */
export async function loadTlsMaterial(source: TlsSource): Promise<TlsMaterial> {
  if (source.certPath || source.keyPath) {
    if (!source.certPath) throw new TlsFileError("cert", undefined, "missing");
    if (!source.keyPath) throw new TlsFileError("key", undefined, "missing");
    const cert = await readPem("cert", source.certPath);
    const key = await readPem("key", source.keyPath);
    return { cert, key, source: source.certPath };
  }
  if (source.dataDir.startsWith("memory://"))
    return { ...(await generateSelfSigned()), source: "self-signed, in memory" };
  const dir = join(source.dataDir, "smtp-tls");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const existing = await readExisting(certFile, keyFile);
  if (existing) return { ...existing, source: `self-signed, ${certFile}` };
  const fresh = await generateSelfSigned();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written beside and renamed into place, so a crash never leaves a key without its certificate.
  await writeFile(`${keyFile}.tmp`, fresh.key, { mode: 0o600 });
  await writeFile(`${certFile}.tmp`, fresh.cert);
  await rename(`${keyFile}.tmp`, keyFile);
  await rename(`${certFile}.tmp`, certFile);
  return { ...fresh, source: `self-signed, generated into ${certFile}` };
}

async function readExisting(certFile: string, keyFile: string): Promise<{ cert: string; key: string } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
    const expires = new Date(new X509Certificate(cert).validTo).getTime();
    return expires - Date.now() > RENEW_BEFORE_MS ? { cert, key } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function generateSelfSigned(): Promise<{ cert: string; key: string }> {
  const name = hostname();
  const pems = await generate([{ name: "commonName", value: name }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 365 * 24 * 60 * 60_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: name },
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
