import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns";

export const organizations = pgTable("organizations", {
  id: id(),
  name: text().notNull(),
  slug: text().notNull().unique(),
  createdAt: createdAt(),
});
