// The page behind the first-run link (`/_/#/pbinstall/<token>`, PocketBase's address): a form
// that creates the first superuser through the public API with the link's token. The token
// stays in the URL fragment, which browsers never send to the server or in a Referer.
import type { ServerResponse } from 'node:http';
import type { Route } from '../router.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plinth</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
label { display: block; margin-top: 1rem; }
input { width: 100%; padding: .5rem; box-sizing: border-box; font: inherit; }
button { margin-top: 1.5rem; padding: .5rem 1.25rem; font: inherit; }
.error { color: #b00020; }
</style>
</head>
<body>
<h1>Plinth</h1>
<div id="idle"><p>Plinth is running. Its API is at <code>/api/</code>.</p></div>
<form id="setup" hidden>
<p>Create the first superuser of this Plinth instance.</p>
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
<label>Repeat password <input name="passwordConfirm" type="password" autocomplete="new-password" minlength="8" required></label>
<p class="error" id="error" role="alert"></p>
<button type="submit">Create superuser</button>
</form>
<p id="done" hidden>The superuser was created. The setup link no longer works; sign in with the new account.</p>
<script src="/_/first-run.js"></script>
</body>
</html>
`;

const SCRIPT = `(function () {
  var match = /^#\\/pbinstall\\/([\\w.-]+)$/.exec(location.hash);
  if (!match) return;
  var token = match[1];
  var form = document.getElementById('setup');
  var error = document.getElementById('error');
  document.getElementById('idle').hidden = true;
  form.hidden = false;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.textContent = '';
    var data = Object.fromEntries(new FormData(form));
    fetch('/api/collections/_superusers/records', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: token },
      body: JSON.stringify(data)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok) {
          form.hidden = true;
          document.getElementById('done').hidden = false;
          history.replaceState(null, '', '/_/');
          return;
        }
        var fields = body && body.data ? Object.keys(body.data) : [];
        error.textContent = (body && body.message ? body.message : 'The request failed.') +
          fields.map(function (k) { return ' ' + k + ': ' + body.data[k].message; }).join('');
      });
    }, function () { error.textContent = 'Plinth could not be reached.'; });
  });
})();
`;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

function send(res: ServerResponse, type: string, text: string): void {
  res.statusCode = 200;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export const firstRunRoutes: Route[] = [
  { method: 'GET', path: '/_/', handler: (ctx) => send(ctx.res, 'text/html; charset=utf-8', PAGE) },
  { method: 'GET', path: '/_/first-run.js', handler: (ctx) => send(ctx.res, 'text/javascript; charset=utf-8', SCRIPT) },
];
