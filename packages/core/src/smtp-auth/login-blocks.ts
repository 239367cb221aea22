import type { Database } from "@relaypost/db";
import { recordAudit } from "../audit/audit-log";
import type { Scope } from "../smtp-credentials/lifecycle";
import type { AddressBlock } from "../throttle/throttle";
import type { LoginThrottle } from "./login-throttle";

export type LoginBlock = AddressBlock;

/**
 * Client addresses the SMTP throttle refuses for one organization's credentials, and the way its admins end such a
 * block early (an application behind the same NAT as a guesser, once the guesser is dealt with).
 */
export function createLoginBlocks(db: Database, throttle: Pick<LoginThrottle, "blocks" | "lift">) {
  return {
    list: (organizationId: string): Promise<LoginBlock[]> => throttle.blocks(organizationId),

    /** Ends the address's block for the organization, audited; `lifted` is false when there was none to end. */
    async lift(scope: Scope, address: string): Promise<{ lifted: boolean }> {
      const blocked = await throttle.blocks(scope.organizationId);
      if (!blocked.some((block) => block.address === address)) return { lifted: false };
      await throttle.lift(scope.organizationId, address);
      await recordAudit(db, {
        organizationId: scope.organizationId,
        actor: scope.actor,
        action: "smtp_login_block.lifted",
        targetType: "address",
        targetLabel: address,
      });
      return { lifted: true };
    },
  };
}
