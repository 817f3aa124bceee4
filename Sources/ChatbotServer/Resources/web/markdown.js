// Markdown to DOM nodes, for model answers. Every piece of text becomes a text node and every
// element is made with createElement: nothing from the answer is ever parsed as HTML, so an answer
// holding <script> or <img onerror> shows those characters. Links keep only http, https and mailto
// targets. The subset is what chat models write: paragraphs, headings, lists, block quotes, fenced
// code, inline code, bold, italic, links. An unterminated fence (an answer still streaming) is code
// to the end.

const SAFE_SCHEMES = ["http:", "https:", "mailto:"];

/** A DocumentFragment rendering `text`. */
export function renderMarkdown(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  let index = 0;
  let paragraph = [];
  let list = null;

  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    const p = doc.createElement("p");
    paragraph.forEach((line, n) => {
      if (n > 0) p.append(doc.createElement("br"));
      appendInline(p, line, doc);
    });
    fragment.append(p);
    paragraph = [];
  };
  const closeList = () => { list = null; };

  while (index < lines.length) {
    const line = lines[index];
    const fence = line.match(/^\s*(```|~~~)\s*([\w+-]*)\s*$/);
    if (fence) {
      flushParagraph(); closeList();
      const code = [];
      index += 1;
      while (index < lines.length && !lines[index].trim().startsWith(fence[1])) {
        code.push(lines[index]);
        index += 1;
      }
      index += 1; // the closing fence, when there is one
      const pre = doc.createElement("pre");
      const element = doc.createElement("code");
      if (fence[2]) element.dataset.language = fence[2];
      element.textContent = code.join("\n");
      pre.append(element);
      fragment.append(pre);
      continue;
    }
    if (line.trim() === "") {
      flushParagraph(); closeList();
      index += 1;
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      flushParagraph(); closeList();
      const h = doc.createElement(`h${Math.min(heading[1].length + 2, 6)}`);
      appendInline(h, heading[2], doc);
      fragment.append(h);
      index += 1;
      continue;
    }
    if (/^\s*>\s?/.test(line)) {
      flushParagraph(); closeList();
      const quoted = [];
      while (index < lines.length && /^\s*>\s?/.test(lines[index])) {
        quoted.push(lines[index].replace(/^\s*>\s?/, ""));
        index += 1;
      }
      const blockquote = doc.createElement("blockquote");
      blockquote.append(renderMarkdown(quoted.join("\n"), doc));
      fragment.append(blockquote);
      continue;
    }
    const item = line.match(/^\s*(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/);
    if (item) {
      flushParagraph();
      const kind = item[1] ? "ul" : "ol";
      if (!list || list.localName !== kind) {
        list = doc.createElement(kind);
        if (kind === "ol" && item[2] !== "1") list.start = Number(item[2]);
        fragment.append(list);
      }
      const li = doc.createElement("li");
      appendInline(li, item[3], doc);
      list.append(li);
      index += 1;
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) { // a continuation of the last item
      const last = list.lastElementChild;
      last.append(" ");
      appendInline(last, line.trim(), doc);
      index += 1;
      continue;
    }
    closeList();
    paragraph.push(line);
    index += 1;
  }
  flushParagraph();
  return fragment;
}

// Inline spans, earliest first: `code`, **bold** or __bold__, *italic* or _italic_, [text](url).
// Underscores inside a word (snake_case, window.__x) are not emphasis.
const INLINE = /`([^`\n]+)`|\*\*(.+?)\*\*|(?<![\w])__(.+?)__(?![\w])|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])|\[([^\]\n]+)\]\(([^)\s]+)\)/;

function appendInline(parent, text, doc) {
  let rest = text;
  while (rest.length > 0) {
    const match = rest.match(INLINE);
    if (!match) { parent.append(rest); return; }
    if (match.index > 0) parent.append(rest.slice(0, match.index));
    const [whole, code, bold, bold2, italic, italic2, label, href] = match;
    if (code !== undefined) {
      const element = doc.createElement("code");
      element.textContent = code;
      parent.append(element);
    } else if (bold !== undefined || bold2 !== undefined) {
      const element = doc.createElement("strong");
      appendInline(element, bold ?? bold2, doc);
      parent.append(element);
    } else if (italic !== undefined || italic2 !== undefined) {
      const element = doc.createElement("em");
      appendInline(element, italic ?? italic2, doc);
      parent.append(element);
    } else if (label !== undefined) {
      const url = safeURL(href);
      if (url) {
        const a = doc.createElement("a");
        a.href = url;
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
        appendInline(a, label, doc);
        parent.append(a);
      } else {
        parent.append(whole); // a javascript: or data: link stays text
      }
    }
    rest = rest.slice(match.index + whole.length);
  }
}

/** `href` when it is an absolute http(s) or mailto URL, else null. */
export function safeURL(href) {
  try {
    const url = new URL(href);
    return SAFE_SCHEMES.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
