CREATE TABLE "smtp_message_parts" (
	"message_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "smtp_message_parts_message_id_seq_pk" PRIMARY KEY("message_id","seq")
);
--> statement-breakpoint
ALTER TABLE "smtp_messages" ADD COLUMN "parts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "smtp_message_parts_created_at_index" ON "smtp_message_parts" USING btree ("created_at");