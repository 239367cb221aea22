import type { SmtpGrant } from "@relaypost/core";
import type { SMTPServerSession } from "smtp-server";

/** smtp-server keeps whatever onAuth returned as `session.user`; for RelayPost that is always the login's grant. */
export const grantOf = (session: SMTPServerSession): SmtpGrant | undefined => session.user as SmtpGrant | undefined;

const LOOPBACK_V4 = /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i;

export const isLoopback = (address: string) => address === "::1" || LOOPBACK_V4.test(address);
