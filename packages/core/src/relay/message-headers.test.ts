import { describe, expect, it } from "vitest";
import { decodeHeaderValue, readHeader, readHeaders, withMessageId } from "./message-headers";

const message = (...lines: string[]) => Buffer.from(lines.join("\r\n"), "latin1");

describe("reading headers", () => {
  it("finds a header by name in any case, unfolded and trimmed, and only in the header section", () => {
    const raw = message(
      "From: a@example.com",
      "SUBJECT:   Quarterly",
      "\treport  ",
      "X-Tag: one",
      "",
      "Subject: not a header, the body",
    );
    expect(readHeader(raw, "subject")).toBe("Quarterly report");
    expect(readHeader(raw, "Subject")).toBe("Quarterly report");
    expect(readHeader(raw, "x-missing")).toBeUndefined();
    expect(readHeaders(raw, "subject")).toEqual(["Quarterly report"]);
  });

  it("matches the whole name: Subject is not X-Subject, nor a header that only ends with it", () => {
    const raw = message("X-Subject: no", "Subject-Line: no", "Subject: yes", "", "body");
    expect(readHeader(raw, "subject")).toBe("yes");
    expect(readHeaders(raw, "subject")).toEqual(["yes"]);
  });

  it("lists every header of a name in order, folded ones unfolded with a space, with LF or CRLF line ends", () => {
    const crlf = message("To: a@example.com", "To: b@example.com,", "  c@example.com", "", "To: d@example.com");
    expect(readHeaders(crlf, "to")).toEqual(["a@example.com", "b@example.com, c@example.com"]);
    const lf = Buffer.from("To: a@example.com\nTo: b@example.com,\n\tc@example.com\n\nTo: d@example.com");
    expect(readHeaders(lf, "To")).toEqual(["a@example.com", "b@example.com, c@example.com"]);
  });

  it("ends the header section at the first empty line, whichever line end comes first", () => {
    // An LF-only blank line before a CRLF one: the later "Subject" is body.
    const raw = Buffer.from("From: a@example.com\n\nSubject: body\r\n\r\nSubject: also body");
    expect(readHeader(raw, "subject")).toBeUndefined();
    const crlfFirst = Buffer.from("From: a@example.com\r\n\r\nSubject: body\n\nSubject: also body");
    expect(readHeader(crlfFirst, "subject")).toBeUndefined();
  });

  it("finds no header in a message that starts with its empty line", () => {
    expect(readHeader(Buffer.from("\r\n\r\nSubject: body"), "subject")).toBeUndefined();
    expect(readHeader(Buffer.from("\n\nSubject: body"), "subject")).toBeUndefined();
  });

  it("reads a message that is all headers (no empty line)", () => {
    expect(readHeader(message("From: a@example.com", "Subject: only headers"), "subject")).toBe("only headers");
  });
});

describe("decoding RFC 2047 encoded words", () => {
  it("decodes base64 and quoted-printable words in any case, underscores as spaces", () => {
    expect(decodeHeaderValue("=?UTF-8?B?SGVsbG8gd8O2cmxk?=")).toBe("Hello wörld");
    expect(decodeHeaderValue("=?utf-8?b?SGVsbG8gd8O2cmxk?=")).toBe("Hello wörld");
    expect(decodeHeaderValue("=?UTF-8?Q?caf=C3=A9_au_lait?=")).toBe("café au lait");
    expect(decodeHeaderValue("=?iso-8859-1?q?Gr=FC=DFe?=")).toBe("Grüße");
  });

  it("drops the whitespace between two encoded words but keeps it around plain text", () => {
    expect(decodeHeaderValue("=?UTF-8?Q?one?=  \t =?UTF-8?Q?two?=")).toBe("onetwo");
    expect(decodeHeaderValue("Re: =?UTF-8?Q?caf=C3=A9?= today")).toBe("Re: café today");
  });

  it("reads a charset with an RFC 2231 language suffix, and falls back to latin1 for an unknown charset", () => {
    expect(decodeHeaderValue("=?UTF-8*en?Q?hello?=")).toBe("hello");
    expect(decodeHeaderValue("=?x-unknown?Q?caf=E9?=")).toBe("café");
  });

  it("reads raw UTF-8 bytes in a header (SMTPUTF8) as text", () => {
    const raw = Buffer.from("Grüße", "utf8").toString("latin1");
    expect(decodeHeaderValue(raw)).toBe("Grüße");
  });

  it("leaves text without encoded words as it is", () => {
    expect(decodeHeaderValue("Plain subject = 2?")).toBe("Plain subject = 2?");
  });
});

describe("the Message-ID a message is stored and relayed with", () => {
  it("keeps the message's own Message-ID and bytes", () => {
    const raw = message("Message-ID: <abc@app.example>", "Subject: hi", "", "body");
    expect(withMessageId(raw, "app@example.com")).toEqual({ raw, messageId: "<abc@app.example>" });
  });

  it("adds one at the top, at the sender's domain, leaving the rest byte for byte", () => {
    const raw = message("Subject: hi", "", "body");
    const { raw: stored, messageId } = withMessageId(raw, "app@mail.example.com");
    expect(messageId).toMatch(/^<[0-9a-f-]{36}@mail\.example\.com>$/);
    expect(stored.toString("latin1")).toBe(`Message-ID: ${messageId}\r\n${raw.toString("latin1")}`);
    expect(readHeader(stored, "message-id")).toBe(messageId);
  });

  it("uses relaypost.invalid when the sender has no usable domain (the null sender, a bare name)", () => {
    expect(withMessageId(message("Subject: hi", "", "x"), "").messageId).toMatch(/@relaypost\.invalid>$/);
    expect(withMessageId(message("Subject: hi", "", "x"), "bounce@").messageId).toMatch(/@relaypost\.invalid>$/);
    expect(withMessageId(message("Subject: hi", "", "x"), "a@b.example extra").messageId).toMatch(
      /@relaypost\.invalid>$/,
    );
  });
});
