CREATE TABLE "smtp_credential_usage" (
	"credential_id" uuid NOT NULL,
	"period" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "smtp_credential_usage_credential_id_period_pk" PRIMARY KEY("credential_id","period")
);
--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "previous_password_hash" text;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "previous_password_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "allowed_senders" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "allowed_ips" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "expiry_announced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "limit_per_minute" integer;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "limit_per_hour" integer;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "limit_per_day" integer;--> statement-breakpoint
ALTER TABLE "smtp_credentials" ADD COLUMN "limit_recipients_per_message" integer;--> statement-breakpoint
ALTER TABLE "smtp_credential_usage" ADD CONSTRAINT "smtp_credential_usage_credential_id_smtp_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."smtp_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "smtp_credentials_lower_username_idx" ON "smtp_credentials" USING btree (lower("username"));--> statement-breakpoint
CREATE INDEX "smtp_credentials_unannounced_expiry_idx" ON "smtp_credentials" USING btree ("expires_at") WHERE "smtp_credentials"."expires_at" is not null and "smtp_credentials"."expiry_announced_at" is null;