// The unit directory (/portal/don-vi/): written to R2 whenever listings are rebuilt, so reading it
// costs nothing; rendered live only until the first publication has written it.
import { cleanDeep } from "./clean";
import { directoryUnits } from "./search";
import { urlOf } from "./paths";
import { Directory } from "./views/directory";
import { toDocument } from "./views/layout";

export const DIRECTORY_PATH = "don-vi/";

/** The site's origin from PORTAL_BASE_URL ("https://host/portal" -> "https://host"). */
export const siteOf = (portalBase: string) => portalBase.replace(/\/portal\/?$/, "");

export async function directoryDocument(db: D1Database, portalBase: string): Promise<string> {
  const units = cleanDeep(await directoryUnits(db));
  const withArticles = units.filter((u) => u.live).map((u) => ({ name: u.name, url: urlOf(u.path), feed: `${urlOf(u.path)}feed.xml` }));
  const without = units.filter((u) => !u.live).map((u) => ({ name: u.name, url: null, feed: null }));
  return toDocument(Directory({ withArticles, without, canonical: `${siteOf(portalBase)}${urlOf(DIRECTORY_PATH)}` }));
}
