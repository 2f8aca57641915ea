/** The web app's HTML: two small pages, every interpolated value escaped. */
import type { Connection } from './connections.js';

const escape = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const time = (epochMs: number | undefined): string => (epochMs === undefined ? '-' : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19) + ' UTC');

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; color: #1f2328; }
  h1 { font-size: 1.35rem; } table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #d0d7de; }
  th { background: #f6f8fa; } .status-valid { color: #1a7f37; } .status-needs { color: #cf222e; }
  button { font: inherit; padding: .3rem .8rem; cursor: pointer; } .error { color: #cf222e; }
  form.inline { display: inline; } .muted { color: #59636e; }
</style></head><body>${body}</body></html>`;
}

export function signInPage(csrf: string): string {
  return layout('Sign in', `<h1>tokenstore web example</h1>
<p class="muted">A multi-user app: each user connects an account at the OAuth server and sees their own connections.</p>
<form method="post" action="/signin"><input type="hidden" name="csrf" value="${escape(csrf)}">
<label>Sign in as <input name="user" required pattern="[A-Za-z0-9._-]{1,40}"></label> <button type="submit">Sign in</button></form>`);
}

export function connectionsPage(user: string, csrf: string, connections: Connection[], message: string | undefined): string {
  const rows = connections
    .map(
      (c) => `<tr data-connection="${escape(c.account)}"><td>${escape(c.account)}</td>
<td class="status ${c.status === 'valid' ? 'status-valid' : c.status === 'needs re-authorization' ? 'status-needs' : ''}">${escape(c.status)}</td>
<td>${time(c.validUntil)}</td><td>${time(c.lastRefresh)}</td>
<td><form class="inline" method="post" action="/revoke"><input type="hidden" name="csrf" value="${escape(csrf)}"><input type="hidden" name="id" value="${escape(c.id)}"><button type="submit">Revoke</button></form></td></tr>`,
    )
    .join('\n');
  const table = connections.length
    ? `<table><thead><tr><th>Account</th><th>Status</th><th>Valid until</th><th>Last refresh</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p id="no-connections">No connections yet.</p>';
  return layout(`Connections of ${user}`, `<h1>Connections of <span id="user">${escape(user)}</span></h1>
${message ? `<p class="error" id="message">${escape(message)}</p>` : ''}
${table}
<form method="post" action="/connect"><input type="hidden" name="csrf" value="${escape(csrf)}">
<label>Account name <input name="account" value="main" required pattern="[A-Za-z0-9._-]{1,40}"></label> <button type="submit">Connect an account</button></form>
<form method="post" action="/signout"><input type="hidden" name="csrf" value="${escape(csrf)}"><button type="submit">Sign out</button></form>`);
}
