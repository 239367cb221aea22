/**
 * Counters of one SMTP listener set; failures that name no organization are visible only here (see the SMTP login
 * path in docs/architecture.md).
 */
export function createSmtpMetrics() {
  return {
    authSucceeded: 0,
    authRejected: 0,
    /** Rejections whose password named no existing credential, so no organization sees them. */
    authRejectedUnattributed: 0,
    authThrottled: 0,
    authTemporaryFailures: 0,
    messagesAccepted: 0,
    messagesRefused: 0,
    sessionsClosedOnRevocation: 0,
  };
}

export type SmtpMetrics = ReturnType<typeof createSmtpMetrics>;
