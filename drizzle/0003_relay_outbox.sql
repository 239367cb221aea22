DROP INDEX "smtp_messages_credential_id_index";--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "message_id_header" text;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "status" text DEFAULT 'stored' NOT NULL;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "last_reply" text;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "recipients" jsonb;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "relayed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "body_pruned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "smtp_messages_credential_id_created_at_index" ON "smtp_messages" USING btree ("credential_id","created_at");--> statement-breakpoint
CREATE INDEX "smtp_messages_body_kept_idx" ON "smtp_messages" USING btree ("created_at") WHERE "smtp_messages"."body_pruned_at" is null;--> statement-breakpoint
CREATE INDEX "smtp_messages_due_idx" ON "smtp_messages" USING btree ("next_attempt_at") WHERE "smtp_messages"."status" in ('queued', 'deferred');