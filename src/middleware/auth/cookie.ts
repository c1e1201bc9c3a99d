// The session cookie's name, on its own so that middleware which only needs the name (d1-session)
// does not import the auth middleware, which imports it.
export const SESSION_COOKIE = "sogd_session";
