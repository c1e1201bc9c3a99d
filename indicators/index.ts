import { indicatorRegistry } from "./registry";
import * as FILES from "./sets";

/** The indicator sets in force (DESIGN.md section 11), one per file listed in ./sets.ts. */
export const INDICATOR_SETS = indicatorRegistry(Object.values(FILES));

export { indicatorRegistry, type IndicatorRegistry } from "./registry";
export {
  indicatorSetSchema,
  indicatorSchema,
  indicatorRuleSchema,
  INDICATOR_TYPES,
  type Indicator,
  type IndicatorRule,
  type IndicatorSet,
  type IndicatorSetInput,
  type IndicatorType,
} from "./schema";
