import { startServer } from "./server";

/** The server every spec shares, started through `pnpm start`; specs that need other settings start their own. */
export default async function globalSetup() {
  const server = await startServer();
  process.env.E2E_BASE_URL = server.baseUrl;
  process.env.E2E_SMTP_HOST = "127.0.0.1";
  process.env.E2E_SMTP_PORT = String(server.smtpPort);
  return () => server.stop();
}
