/**
 * The baseline of bench/smtp-auth: smtp-server with the same options RelayPost uses, accepting any login without
 * looking at it. Prints its port on stdout once listening.
 */
import { SMTPServer } from "smtp-server";

const server = new SMTPServer({
  logger: false,
  disableReverseLookup: true,
  authMethods: ["PLAIN", "LOGIN"],
  allowInsecureAuth: true,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username });
  },
});
server.on("error", () => {});
server.listen(0, "127.0.0.1", () => {
  const address = server.server.address();
  console.log(typeof address === "object" && address ? address.port : "");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
