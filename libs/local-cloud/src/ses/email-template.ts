/**
 * Renders the replacement tags of an SES template: `{{name}}` and nested `{{contact.city}}` take their
 * value from the TemplateData JSON (HTML-escaped in the HTML part, as Handlebars does; `{{{name}}}` is
 * not escaped). https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-api.html
 * Handlebars block helpers (`{{#if}}`, `{{#each}}`) are not rendered locally.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

function lookup(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function renderTemplate(template: string, data: unknown, html: boolean): string {
  return template.replace(/\{\{(\{?)\s*([\w.$-]+)\s*\}?\}\}/g, (_, raw: string, path: string) => {
    const text = show(lookup(data, path));
    return html && !raw ? text.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]!) : text;
  });
}
