import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * The bench's command-line options. `pnpm --filter @relaypost/bench <name> -- --flag` passes a literal "--" through
 * to the script, after which parseArgs would read every flag as a positional; it is dropped so both spellings work.
 */
export function benchArgs<T extends Options>(options: T) {
  return parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options }).values;
}
