import nodemailer from "nodemailer";

/**
 * An application sending through RelayPost with nodemailer over STARTTLS; `raw` sends bytes as they are (no
 * Message-ID added). Resolves with the server's reply and the message id it names.
 */
export async function submit(
  port: number,
  auth: { user: string; pass: string },
  to: string[],
  message: { subject?: string; raw?: string } = {},
) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth,
  });
  try {
    const info = message.raw
      ? await transport.sendMail({ envelope: { from: "app@example.com", to }, raw: message.raw })
      : await transport.sendMail({ from: "app@example.com", to, subject: message.subject ?? "hello", text: "hi" });
    return { response: info.response, id: /([0-9a-f]{8}-[0-9a-f-]{27})/.exec(info.response)?.[1] ?? "" };
  } finally {
    transport.close();
  }
}
