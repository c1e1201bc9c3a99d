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

/** Markdown -> HTML that is safe to put in a page as it is. */
export function renderMarkdown(source: string): string {
  return md.render(cleanText(source));
}
