ALTER TABLE "smtp_credentials" ADD COLUMN "previous_password_hash" text;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "previous_password_expires_at" timestamp with time zone;