import { secureHeaders } from "hono/secure-headers";

/**
 * Headers for every answer, dashboard and API alike. The built dashboard loads only its own script and stylesheet
 * files (no inline script or style attribute), so the policy allows nothing inline: injected markup cannot run
 * script. `connect-src 'self'` covers the same-origin WebSocket too. HSTS is left to the TLS-terminating proxy,
 * which knows whether every subdomain is on HTTPS (docs/security.md).
 */
export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // The stylesheet draws one icon as a data: SVG.
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    strictTransportSecurity: false,
  });
