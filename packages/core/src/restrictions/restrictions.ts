/**
 * A credential's restrictions, read with its row wherever the row is read (login, MAIL FROM, DATA), so a change is
 * in force at the next command on every process without a read of its own.
 */
export interface CredentialRestrictions {
  allowedSenders: string[];
}
