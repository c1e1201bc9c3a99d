import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof database>;

/**
 * Drizzle over the database binding or over one D1 session (`DB.withSession(…)`, see
 * src/middleware/d1-session): drizzle's D1 driver only ever calls `prepare` and `batch`, which a
 * session has, but its type asks for the whole binding.
 */
export function database(d1: D1Database | D1DatabaseSession) {
  return drizzle("withSession" in d1 ? d1 : sessionAsDatabase(d1), { schema });
}

/**
 * A D1 session in the shape of the binding, so code written against `D1Database` (every query
 * helper, drizzle) runs through the session unchanged and each request reads its own writes.
 * `exec` and `dump` have no session form: they are refused rather than sent around the session
 * (nothing in a request uses them). `withSession` starts a fresh session on `primary` when there
 * is one: asking for a new session is asking to leave this one.
 */
export function sessionAsDatabase(session: D1DatabaseSession, primary?: D1Database): D1Database {
  const unsupported = (what: string) => new Error(`D1 session: ${what} is not available inside a session; use prepare()/batch()`);
  return {
    prepare: (query: string) => session.prepare(query),
    batch: <T = unknown>(statements: D1PreparedStatement[]) => session.batch<T>(statements),
    exec: () => Promise.reject(unsupported("exec()")),
    dump: () => Promise.reject(unsupported("dump()")),
    withSession: (constraintOrBookmark?: D1SessionBookmark | D1SessionConstraint) => {
      if (!primary) throw unsupported("withSession()");
      return primary.withSession(constraintOrBookmark);
    },
  };
}
