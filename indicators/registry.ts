import { indicatorSetSchema, type IndicatorSet } from "./schema";

/** The sets by id, each parsed (and so checked) and frozen when it is added. */
export type IndicatorRegistry = {
  /** Every set, in id order. */
  list(): readonly IndicatorSet[];
  get(id: string): IndicatorSet | undefined;
  /** Parses and adds a set; throws on a set the schema refuses or an id already taken. */
  add(input: unknown): IndicatorSet;
};

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function indicatorRegistry(inputs: Iterable<unknown>): IndicatorRegistry {
  // A Map: an id from a URL never reaches an object's prototype.
  const sets = new Map<string, IndicatorSet>();
  let sorted: readonly IndicatorSet[] | null = null;
  const registry: IndicatorRegistry = {
    list: () => (sorted ??= Object.freeze([...sets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))),
    get: (id) => sets.get(id),
    add(input) {
      const set = deepFreeze(indicatorSetSchema.parse(input));
      if (sets.has(set.id)) throw new Error(`indicator set ${set.id} is defined twice`);
      sets.set(set.id, set);
      sorted = null;
      return set;
    },
  };
  for (const input of inputs) registry.add(input);
  return registry;
}
