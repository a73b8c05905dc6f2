// A CSV cell that starts with = + - @, a tab or a carriage return (or the fullwidth = + - @ some
// spreadsheets read the same way) is run as a formula when the file is opened in a spreadsheet:
// `=HYPERLINK(...)` typed as an institution sends the sheet's data away. OWASP's rule: prefix the cell
// with a single quote, which spreadsheets take as "this is text"; the value stays readable.
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
/**
 * A plain number (-5, 1.25, an E.164 phone +254712345678) is no formula whatever its sign: it is written
 * as it is. pg returns bigint and numeric columns as strings, so a type check alone would not spare them.
 */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}
