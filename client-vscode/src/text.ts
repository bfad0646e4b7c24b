// One place that decides how a piece of the server's text is shown: as markdown on surfaces
// that render it (tree tooltips, the status-bar tooltip, the checkpoint page) and as clean plain
// text on those that do not (toasts, quick picks, tree labels). Pure, unit-tested.

/**
 * Markdown (as the roadmap's `teaches` and the server's titles are written) to plain text: code
 * spans lose their backticks, emphasis its asterisks and underscores, links keep their text,
 * backslash escapes are resolved and fenced code blocks keep only their code.
 */
export function plainText(markdown: string | null | undefined): string {
  if (!markdown) {
    return '';
  }
  let text = markdown.replace(/\r\n?/g, '\n');
  // Fenced code blocks: keep the code, drop the fences.
  text = text.replace(/^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm, (_m, _fence, code: string) => code.replace(/\n$/, ''));
  // Code spans: `x`, ``x``. The content is literal, so protect it from the rules below.
  const spans: string[] = [];
  text = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, _ticks, code: string) => {
    spans.push(code.trim());
    return `\u0000${spans.length - 1}\u0000`;
  });
  // Backslash escapes stand for the literal character, untouched by the rules below.
  text = text.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, (_m, c: string) => {
    spans.push(c);
    return `\u0000${spans.length - 1}\u0000`;
  });
  text = text
    .replace(/!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)/g, '$1') // [text](url) -> text
    .replace(/<(https?:[^>\s]+)>/g, '$1') // <https://…> -> https://…
    .replace(/^#{1,6}[ \t]+/gm, '') // headings
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2') // **strong**, __strong__
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1$2') // *em*
    .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1$2'); // _em_ (never inside snake_case)
  text = text.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => spans[Number(i)]);
  return text.replace(/`/g, '').trim();
}

/** Plain text on one line (labels, quick-pick items): whitespace runs become one space. */
export function plainLine(markdown: string | null | undefined): string {
  return plainText(markdown).replace(/\s+/g, ' ').trim();
}

/** Plain text (a title, a path) made safe to put inside markdown as literal text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}

/** The first sentence of a markdown paragraph, for one-line summaries. */
export function firstSentence(markdown: string): string {
  const flat = markdown.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(flat);
  return m ? m[1] : flat;
}
