import type { Role } from "./db/schema";

/**
 * unitIds: the units granted (a covered unit includes its descendants); paths: their units.path,
 * the subtrees covered, none inside another. Coverage is tested against a report's unit_path, so
 * neither the look-up nor a query grows with the number of units under a grant.
 */
export type Grant = { role: Role; unitIds: string[]; paths: string[]; delegatedBy?: DelegatedFrom };

/**
 * A grant the caller holds for now because its holder delegated the role to them (DESIGN.md
 * section 13): the delegator's own grant of that role, while the delegation runs. The delegate
 * decides with this coverage, and the decision is recorded on the delegator's behalf.
 */
export type DelegatedFrom = {
  delegationId: string;
  userId: string;
  name: string;
  /** The delegator's own unit: an own-unit stage (the centre's head) is the delegator's unit's. */
  unitId: string;
  unitPath: string;
  kind: "delegation" | "absence";
  startsAt: string;
  endsAt: string;
};

/** The signed-in caller, resolved once per request by the auth middleware. */
export type Actor = {
  id: string;
  email: string;
  name: string;
  unitId: string;
  /** units.path of the caller's own unit. */
  unitPath: string;
  /** units.name of the caller's own unit. */
  unitName: string;
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
