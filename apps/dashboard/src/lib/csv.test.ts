import { describe, expect, test } from "vitest";
import { toCsv } from "./csv";

interface Row {
  name: string;
  count: number | null;
  at?: Date;
}

const columns = [
  { header: "Name", value: (r: Row) => r.name },
  { header: "Count", value: (r: Row) => r.count },
  { header: "At", value: (r: Row) => r.at },
];

describe("CSV export", () => {
  test("writes a header line and one CRLF-ended line per row, empty cells for missing values", () => {
    const text = toCsv<Row>(
      [
        { name: "a", count: 1, at: new Date("2026-12-02T08:00:00Z") },
        { name: "b", count: null },
      ],
      columns,
    );
    expect(text).toBe("Name,Count,At\r\na,1,2026-12-02T08:00:00.000Z\r\nb,,\r\n");
  });

  test("quotes cells holding a comma, a quote or a line break, doubling the quotes", () => {
    const text = toCsv<Row>([{ name: 'say "hi", then\nleave', count: 2 }], columns);
    expect(text).toBe('Name,Count,At\r\n"say ""hi"", then\nleave",2,\r\n');
  });

  test("a text cell a spreadsheet would run as a formula is written as text", () => {
    const text = toCsv<Row>(
      [
        { name: "=HYPERLINK(1)", count: -3 },
        { name: "@x", count: 0 },
        { name: "+1", count: 0 },
      ],
      columns,
    );
    expect(text.split("\r\n").slice(1, 4)).toEqual(["'=HYPERLINK(1),-3,", "'@x,0,", "'+1,0,"]);
  });

  test("only the header when there are no rows", () => {
    expect(toCsv<Row>([], columns)).toBe("Name,Count,At\r\n");
  });
});
