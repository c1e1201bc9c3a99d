// D1 allows 100 bound parameters per statement: a list that may grow (units picked in a form, the
// users on a page) goes as one JSON parameter and is unpacked by json_each on the database side.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/** `column IN (the values of a JSON array)`, with one bound parameter. */
export function inJsonArray(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
