// Report bodies are Markdown written by the units; on the portal they are rendered with raw HTML
// disabled (it comes out escaped), no images from elsewhere, and only safe link targets.
import MarkdownIt from "markdown-it";
import { cleanText } from "./clean";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
// Pictures belong in the report's own attachments, not hot-linked from other sites.
md.disable("image");

const SAFE_LINK = /^(https?:|mailto:|\/|#)/i;
// markdown-it already refuses javascript:, vbscript: and file: targets; allow only what a news page needs.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

/**
 * A link that leaves the site: an absolute http(s) URL, or a protocol-relative one (`//host/…`;
 * browsers also read `///host` and `/\host` as a host). Checked on the normalised href, where
 * markdown-it has already turned escapes (`/\/`) into the characters they stand for.
 */
const isExternal = (href: string) => /^https?:/i.test(href) || /^[/\\]{2}/.test(href);

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[Number(idx)]!;
  const href = String(token.attrGet("href") ?? "");
  if (isExternal(href)) {
    token.attrSet("rel", "noopener noreferrer nofollow");
    token.attrSet("target", "_blank");
  }
  return defaultLinkOpen(tokens, Number(idx), options, env, self);
};

// ---- Images placed in the text: a line "[Hình 2]" (or "[Hình 2: a note to self]") ----
//
// The line becomes a marker comment that the page replaces with image 2's figure (placeFigures).
// Raw HTML is disabled, so anything the author types comes out escaped: a comment in the output
// can only be one of these markers.
export const FIGURE_LINE = /^\[\s*hình\s+(\d{1,3})\s*(?::[^\]\n]*)?\]\s*$/iu;
const MARKER = /<!--hinh:(\d{1,3})-->\n?/g;

md.block.ruler.before(
  "reference",
  "figure_ref",
  (state, startLine, _endLine, silent) => {
    if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
    const line = state.src.slice(state.bMarks[startLine]! + state.tShift[startLine]!, state.eMarks[startLine]).normalize("NFC");
    const m = FIGURE_LINE.exec(line);
    if (!m) return false;
    if (silent) return true;
    const token = state.push("figure_ref", "", 0);
    token.meta = { n: Number(m[1]) };
    token.map = [startLine, startLine + 1];
    state.line = startLine + 1;
    return true;
  },
  // Also ends a paragraph, list or quote it follows without a blank line.
  { alt: ["paragraph", "reference", "blockquote", "list"] },
);
md.renderer.rules.figure_ref = (tokens, idx) => `<!--hinh:${Number((tokens[idx]!.meta as { n: number }).n)}-->\n`;

/**
 * Puts figures where the text asks for them: `figure(n)` gives image n's markup (1-based) or null
 * when there is no such image (the marker is dropped). Each image is placed once, at its first
 * marker; `placed` says which, so the page lists the others after the text.
 */
export function placeFigures(html: string, figure: (n: number) => string | null): { html: string; placed: Set<number> } {
  const placed = new Set<number>();
  const out = html.replace(MARKER, (_m, n: string) => {
    const i = Number(n);
    if (placed.has(i)) return "";
    const markup = figure(i);
    if (markup === null) return "";
    placed.add(i);
    return markup;
  });
  return { html: out, placed };
}

/** Markdown -> HTML that is safe to put in a page as it is (image markers: see placeFigures). */
export function renderMarkdown(source: string): string {
  return md.render(cleanText(source));
}
