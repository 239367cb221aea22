import type { Runtime } from "@relaypost/core";
import { loadTlsMaterial, type SmtpService, startSmtpService, type TlsMaterial } from "@relaypost/smtp";
import type { Logger } from "pino";
import type { Config } from "./config";
import type { FaultLogger } from "./log";

/** SMTP's certificate and key: the operator's (SMTP_TLS_CERT/KEY), or a self-signed one kept in DATA_DIR. */
export function loadSmtpTls(config: Config): Promise<TlsMaterial> {
  return loadTlsMaterial({ certPath: config.SMTP_TLS_CERT, keyPath: config.SMTP_TLS_KEY, dataDir: config.DATA_DIR });
}

/** Starts the embedded SMTP listeners on this process's runtime: its login and submission use cases and revocation notices. */
export async function startSmtp(
  config: Config,
  { runtime, tls, logFault, log }: { runtime: Runtime; tls: TlsMaterial; logFault: FaultLogger; log: Logger },
): Promise<SmtpService> {
  // SMTP listens where HTTP does; SMTP_HOST is only the public name shown to admins.
  const host = config.HOST;
  const smtp = await startSmtpService(
    {
      host,
      port: config.SMTP_PORT,
      smtpsPort: config.SMTPS_PORT,
      tls,
      allowInsecureLoopbackAuth: config.SMTP_ALLOW_INSECURE_LOOPBACK_AUTH,
      proxyProtocol: config.SMTP_PROXY_PROTOCOL,
    },
    {
      smtpLogin: runtime.smtpLogin,
      smtpSubmission: runtime.smtpSubmission,
      revocations: runtime.revocations,
      access: runtime.core.access,
      onError: logFault,
      telemetry: runtime.telemetry,
    },
  );
  const smtps = smtp.smtpsPort === undefined ? "" : `, implicit TLS on ${host}:${smtp.smtpsPort}`;
  log.info(
    { host, port: smtp.port, smtpsPort: smtp.smtpsPort, certificate: tls.source },
    `SMTP listening on ${host}:${smtp.port} with STARTTLS${smtps} (certificate: ${tls.source})`,
  );
  return smtp;
}
