ALTER TABLE "smtp_credentials" ADD COLUMN "last_used_address" text;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "last_used_method" text;