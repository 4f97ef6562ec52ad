// Plain-text excerpt of an HTML (or plain) string, for the `:excerpt(max, ellipsis)` modifier.
import { Parser } from 'htmlparser2';

const SKIPPED_TAGS = new Set([
  'head', 'style', 'script', 'iframe', 'embed', 'applet', 'object', 'svg', 'img', 'picture', 'dialog',
  'template', 'button', 'form', 'textarea', 'input', 'select', 'option',
]);
const INLINE_TAGS = new Set([
  'a', 'abbr', 'acronym', 'b', 'bdo', 'big', 'br', 'button', 'cite', 'code', 'em', 'i', 'label', 'q',
  'small', 'span', 'strong', 'strike', 'sub', 'sup', 'time',
]);

export function excerpt(html: string, max: number, withEllipsis: boolean): string {
  let text = '';
  let prevSpace = false;
  let skipDepth = 0;
  const blockBreak = () => {
    if (!prevSpace) {
      text += ' ';
      prevSpace = true;
    }
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipDepth > 0 || SKIPPED_TAGS.has(name)) {
          skipDepth++;
          return;
        }
        if (!INLINE_TAGS.has(name)) blockBreak();
      },
      onclosetag(name) {
        if (skipDepth > 0) {
          skipDepth--;
          return;
        }
        if (!INLINE_TAGS.has(name)) blockBreak();
      },
      ontext(data) {
        if (skipDepth > 0 || text.length > max + 2) return;
        let chunk = data.replace(/\s+/g, ' ');
        if (prevSpace) chunk = chunk.replace(/^ +/, '');
        if (chunk !== '') {
          prevSpace = chunk.endsWith(' ');
          text += chunk;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  let result = text.trim();
  const chars = [...result];
  if (chars.length > max) {
    result = chars.slice(0, max).join('').trim();
    if (withEllipsis) result += '...';
  }
  return result;
}
