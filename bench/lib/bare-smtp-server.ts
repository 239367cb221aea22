/**
 * The baselines of bench/smtp-auth: smtp-server with the same options RelayPost uses, accepting any login without
 * looking at it; with `--argon2`, accepting any login after one argon2id verification with RelayPost's parameters
 * (what the cheapest server that stores hashes must spend per login). Prints its port on stdout once listening.
 */
import { hash, verify } from "@node-rs/argon2";
import { ARGON2ID_PARAMS } from "@relaypost/core";
import { SMTPServer } from "smtp-server";

const storedHash = process.argv.includes("--argon2") ? await hash("bench-baseline-password", ARGON2ID_PARAMS) : null;

const server = new SMTPServer({
  logger: false,
  disableReverseLookup: true,
  authMethods: ["PLAIN", "LOGIN"],
  allowInsecureAuth: true,
  onAuth(auth, _session, callback) {
    if (storedHash === null) return callback(null, { user: auth.username });
    verify(storedHash, auth.password ?? "").then(
      () => callback(null, { user: auth.username }),
      (error: Error) => callback(error),
    );
  },
});
server.on("error", () => {});
server.listen(0, "127.0.0.1", () => {
  const address = server.server.address();
  console.log(typeof address === "object" && address ? address.port : "");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
