/**
 * Restrictions of every kind that refuse none of the benches' logins and messages (From app@example.com from
 * loopback, one recipient, far below the limits): what enforcing them costs, and nothing else.
 */
export const NON_REFUSING_RESTRICTIONS = {
  allowedSenders: ["example.com", "*.example.org"],
  allowedIps: ["127.0.0.0/8", "::1/128", "10.0.0.0/8"],
  expiresAt: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000),
  limits: { perMinute: 1_000_000, perHour: 1_000_000, perDay: 1_000_000, recipientsPerMessage: 100 },
};
