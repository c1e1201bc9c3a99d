// An article's body as plain text: what the portal's search indexes (portal_entries.body_text,
// portal_fts) and what the feeds carry in full. Made from markdown-it's tokens rather than by
// stripping tags from the rendered HTML, so entities are already decoded and nothing that looks
// like a tag in the author's text (raw HTML is shown as text on the page) is lost.
import MarkdownIt from "markdown-it";
import { cleanText } from "./clean";
import { FIGURE_LINE } from "./markdown";

// The same options as the page's renderer (markdown.ts), so the text is what the page shows.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

type Token = ReturnType<typeof md.parse>[number];

function inlineText(children: Token[] | null): string {
  let out = "";
  for (const t of children ?? []) {
    if (t.type === "softbreak") out += " ";
    else if (t.type === "hardbreak") out += "\n";
    else if (t.type === "text" || t.type === "code_inline" || t.type === "html_inline") out += t.content;
    else if (t.type === "image") out += inlineText(t.children);
  }
  return out;
}

/**
 * Markdown -> plain text: one block (paragraph, heading, list item, code block, table row) per
 * paragraph, separated by a blank line; a hard line break stays a line break.
 */
export function plainText(markdown: string): string {
  const blocks: string[] = [];
  let row: string[] | null = null;
  // A "[Hình 2]" line places an image on the page (markdown.ts): it is not text to find or read.
  const text = cleanText(markdown)
    .normalize("NFC")
    .split("\n")
    .filter((line) => !FIGURE_LINE.test(line.trim()))
    .join("\n");
  for (const t of md.parse(text, {})) {
    if (t.type === "tr_open") row = [];
    else if (t.type === "tr_close") {
      if (row) blocks.push(row.join(" | "));
      row = null;
    } else if (t.type === "inline") {
      const text = inlineText(t.children).trim();
      if (row) row.push(text);
      else if (text) blocks.push(text);
    } else if (t.type === "fence" || t.type === "code_block") {
      const text = t.content.replace(/\n+$/, "");
      if (text.trim()) blocks.push(text);
    }
  }
  return blocks.join("\n\n");
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Plain text -> HTML paragraphs, every character escaped (the feeds' full text). */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}
