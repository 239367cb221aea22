import { accountRouter } from "./router/account";
import { apiKeysRouter } from "./router/api-keys";
import { auditLogRouter } from "./router/audit-log";
import { authRouter } from "./router/auth";
import { eventsRouter } from "./router/events";
import { membersRouter } from "./router/members";
import { messagesRouter } from "./router/messages";
import { organizationsRouter } from "./router/organizations";
import { smtpCredentialsRouter } from "./router/smtp-credentials";
import { smtpLoginBlocksRouter } from "./router/smtp-login-blocks";
import { upstreamRouter } from "./router/upstream";
import { webhooksRouter } from "./router/webhooks";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  organizations: organizationsRouter,
  members: membersRouter,
  apiKeys: apiKeysRouter,
  smtpCredentials: smtpCredentialsRouter,
  smtpLoginBlocks: smtpLoginBlocksRouter,
  messages: messagesRouter,
  upstream: upstreamRouter,
  webhooks: webhooksRouter,
  auditLog: auditLogRouter,
  events: eventsRouter,
});

export type AppRouter = typeof appRouter;
