CREATE TABLE "organization_upstreams" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"tls" text NOT NULL,
	"tls_verify" boolean NOT NULL,
	"username" text,
	"password_ciphertext" "bytea",
	"password_iv" "bytea",
	"password_tag" "bytea",
	"password_key_id" text,
	"version" uuid DEFAULT gen_random_uuid() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organization_upstreams" ADD CONSTRAINT "organization_upstreams_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;