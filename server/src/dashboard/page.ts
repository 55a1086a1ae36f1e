/**
 * The dashboard's one HTML page. Everything on it is drawn by the client modules; the page itself
 * holds no data, so it is served to anyone and the API decides what each signed-in user may see.
 * No inline script or style: the Content-Security-Policy forbids both.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Worktrace work diary</title>
<link rel="icon" href="/dashboard/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/main.js"></script>
</head>
<body>
<header class="topbar">
  <a class="brand" href="#/">Worktrace</a>
  <span id="who" class="who"></span>
  <a id="account-link" class="account-link" href="#/account" hidden>Account</a>
  <button id="sign-out" type="button" hidden>Sign out</button>
  <button id="sign-out-everywhere" type="button" hidden>Sign out everywhere</button>
</header>
<main id="app" tabindex="-1"><p class="muted">Loading the work diary…</p></main>
<div id="status" class="status" role="status" aria-live="polite"></div>
<noscript><p>The work diary needs JavaScript.</p></noscript>
</body>
</html>
`;

/**
 * Strict by design: scripts and styles only from this server, images only from it or from blob: URLs
 * the page made itself from authorised fetches, no frames, no plugins, no form posts elsewhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** A small clock-face icon, so the browser does not go looking for /favicon.ico. */
export const DASHBOARD_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#1f6feb"/><path d="M16 8v8l6 4" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>`;
