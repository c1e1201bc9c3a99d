import type { Role } from "./db/schema";

export type Grant = { role: Role; unitIds: string[] };

/** The signed-in caller, resolved once per request by the auth middleware. */
export type Actor = {
  id: string;
  email: string;
  name: string;
  unitId: string;
  grants: Grant[];
  sessionTokenHash: string;
};

export type HonoEnv = {
  Bindings: Env;
  Variables: {
    actor: Actor;
    requestId: string;
  };
};
