import { randomUUID } from "node:crypto";

/** The header section of a raw message: everything before the first empty line (all of it when there is none). */
function headerSection(raw: Buffer): string {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const ends = [crlf, lf].filter((at) => at >= 0);
  const end = ends.length ? Math.min(...ends) : raw.length;
  // latin1 maps every byte to one character, so offsets stay byte offsets and nothing fails to decode.
  return raw.subarray(0, end).toString("latin1");
}

/** The first header of that name, unfolded; undefined when absent. */
export function readHeader(raw: Buffer, name: string): string | undefined {
  return readHeaders(raw, name)[0];
}

const ENCODED_WORD = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;

function decodeWord(charset: string, encoding: string, text: string): string {
  const bytes =
    encoding.toUpperCase() === "B"
      ? Buffer.from(text, "base64")
      : Buffer.from(
          text
            .replace(/_/g, " ")
            .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          "latin1",
        );
  try {
    return new TextDecoder(charset.split("*")[0]).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

/** A header value with its RFC 2047 encoded words decoded (Subject: =?UTF-8?B?…?=), as a reader would see it. */
export function decodeHeaderValue(value: string): string {
  const raw = Buffer.from(value, "latin1").toString("utf8");
  // Whitespace between two encoded words is not part of the text (RFC 2047, section 6.2).
  return raw
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(ENCODED_WORD, (_, charset, encoding, text) => decodeWord(charset, encoding, text));
}

/**
 * The message as it is stored and relayed, with its Message-ID. A message without one gets one here, once, so every
 * delivery attempt (and a retry after a crash) carries the same id and the recipient can drop duplicates.
 */
export function withMessageId(raw: Buffer, mailFrom: string): { raw: Buffer; messageId: string } {
  const existing = readHeader(raw, "message-id");
  if (existing) return { raw, messageId: existing };
  const domain = /@([A-Za-z0-9.-]+)$/.exec(mailFrom)?.[1] ?? "relaypost.invalid";
  const messageId = `<${randomUUID()}@${domain}>`;
  return { raw: Buffer.concat([Buffer.from(`Message-ID: ${messageId}\r\n`, "latin1"), raw]), messageId };
}

/** Every header of that name, unfolded, in order. */
export function readHeaders(raw: Buffer, name: string): string[] {
  const unfolded = headerSection(raw).replace(/\r?\n[ \t]+/g, " ");
  const wanted = `${name.toLowerCase()}:`;
  return unfolded
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(wanted))
    .map((line) => line.slice(wanted.length).trim());
}
