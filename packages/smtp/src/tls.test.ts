import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTlsMaterial } from "./tls";

describe("TLS material", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "relaypost-tls-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("generates a self-signed certificate once into DATA_DIR and reuses it", async () => {
    const first = await loadTlsMaterial({ dataDir });
    expect(first.source).toContain("generated into");
    const second = await loadTlsMaterial({ dataDir });
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
    const certificate = new X509Certificate(first.cert);
    expect(certificate.checkPrivateKey(createPrivateKey(first.key))).toBe(true);
    expect(certificate.subjectAltName).toContain("DNS:localhost");
    expect((await stat(join(dataDir, "smtp-tls", "key.pem"))).mode & 0o077).toBe(0);
  });

  it("uses the operator's certificate and key when both are given", async () => {
    const generated = await loadTlsMaterial({ dataDir: "memory://" });
    const certPath = join(dataDir, "operator.crt");
    const keyPath = join(dataDir, "operator.key");
    await writeFile(certPath, generated.cert);
    await writeFile(keyPath, generated.key);
    const loaded = await loadTlsMaterial({ certPath, keyPath, dataDir });
    expect(loaded).toEqual({ cert: await readFile(certPath, "utf8"), key: generated.key, source: certPath });
  });

  it("refuses a certificate without its key", async () => {
    await expect(loadTlsMaterial({ certPath: "/x.crt", dataDir })).rejects.toMatchObject({
      file: "key",
      problem: "missing",
    });
  });
});
