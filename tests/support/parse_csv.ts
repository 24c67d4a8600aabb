/**
 * A strict RFC 4180 reader for checking exports: quoted fields with doubled
 * quotes, commas and line breaks inside quotes, CRLF between records. Written
 * independently of the encoder so a quoting bug cannot hide behind a parser
 * with the same bug. Throws on anything malformed.
 */

/** One parsed field: its text and whether it was quoted. */
export interface CsvField {
  readonly value: string;
  readonly quoted: boolean;
}

/** Parses `text` (which must end with CRLF) into records of fields. */
export function parseCsv(text: string): CsvField[][] {
  const records: CsvField[][] = [];
  let record: CsvField[] = [];
  let i = 0;
  while (i < text.length) {
    let field: CsvField;
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("Unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      field = { value, quoted: true };
    } else {
      const start = i;
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === '"' || text[i] === "\n") {
          throw new Error(`Bare ${JSON.stringify(text[i])} at ${i}`);
        }
        i++;
      }
      field = { value: text.slice(start, i), quoted: false };
    }
    record.push(field);
    if (text[i] === ",") {
      i++;
    } else if (text.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
    } else {
      throw new Error(`Expected , or CRLF at ${i}`);
    }
  }
  if (record.length > 0) throw new Error("Last record has no CRLF");
  return records;
}
