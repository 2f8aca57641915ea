/**
 * Reads the single <form> out of an oidc-provider dev interaction page.
 *
 * The dev login and consent views are small, fixed templates, so a couple of
 * regular expressions are enough: we need the form's action and its inputs
 * (hidden ones carry the `prompt` the provider expects back). Not a general
 * HTML parser, on purpose.
 */
export interface HtmlForm {
  action: string;
  method: string;
  inputs: Array<{ name: string; type: string; value: string | undefined }>;
}

export function parseForm(html: string): HtmlForm | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const [, formAttributes = '', body = ''] = form;
  const attrs = attributes(formAttributes);
  const inputs = [...body.matchAll(/<input\b([^>]*)>/gi)].flatMap(([, raw = '']) => {
    const input = attributes(raw);
    return input.name === undefined
      ? []
      : [{ name: input.name, type: (input.type ?? 'text').toLowerCase(), value: input.value }];
  });
  return { action: attrs.action ?? '', method: (attrs.method ?? 'get').toLowerCase(), inputs };
}

function attributes(source: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [, name = '', dq, sq, bare] of source.matchAll(/([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const value = dq ?? sq ?? bare;
    out[name.toLowerCase()] = value === undefined ? undefined : decodeEntities(value);
  }
  return out;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
