/**
 * The dashboard's stylesheet, served as /dashboard/app.css (the CSP allows styles from this server
 * only). One grid of segment cells that fills 1280 px and folds to one or two columns on a phone.
 */
export const DASHBOARD_CSS = `
:root { --ink: #1d2330; --muted: #5d6575; --line: #d9dde5; --bg: #f5f6f8; --panel: #fff; --accent: #0969da; --danger: #b42318; --ok: #1a7f37; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.topbar { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: var(--ink); color: #fff; }
.topbar .brand { color: #fff; font-weight: 700; text-decoration: none; margin-right: auto; }
.who { font-size: .9rem; opacity: .85; }
main { max-width: 1240px; margin: 0 auto; padding: 1rem 1.2rem 3rem; outline: none; }
h1 { font-size: 1.5rem; margin: .4rem 0; }
h2 { font-size: 1.15rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: .8rem 0 .4rem; }
.muted { color: var(--muted); }
.error { color: var(--danger); }
.warning { color: var(--danger); font-weight: 600; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin: 1rem 0; }
button, .button-link { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; display: inline-block; }
button[type=submit] { background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { background: var(--danger); color: #fff; border-color: var(--danger); }
button:disabled { opacity: .6; cursor: default; }
input[type=email], input[type=password], input[type=number] { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 6px; width: 100%; max-width: 22rem; }
.sign-in { max-width: 26rem; margin: 3rem auto; display: grid; gap: .5rem; }
.sign-in button { justify-self: start; margin-top: .5rem; }
.contracts { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1rem; }
.contracts .panel { margin: 0; }
.facts { display: grid; grid-template-columns: auto 1fr; gap: .2rem 1rem; margin: .5rem 0 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.policy-form fieldset { border: 0; padding: 0; margin: 0 0 .8rem; display: flex; flex-wrap: wrap; gap: .6rem; }
.policy-form legend { font-weight: 600; margin-bottom: .4rem; }
.choice { display: grid; grid-template-columns: auto 1fr; gap: 0 .5rem; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; min-width: 11rem; flex: 1; cursor: pointer; }
.choice:has(input:checked) { border-color: var(--accent); background: #eef4ff; }
.choice-label { font-weight: 600; }
.choice-hint { grid-column: 2; color: var(--muted); font-size: .85rem; }
.field { display: grid; gap: .3rem; }
.policy-actions { display: flex; flex-wrap: wrap; align-items: end; gap: .8rem; margin-bottom: .8rem; }
.policy-actions input { width: 8rem; }
.history, .state-history { margin: 0; padding-left: 1.2rem; }
.policy-body { display: grid; gap: 0 2rem; }
.policy-body h3 { margin-top: 0; }
@media (min-width: 1000px) { .policy-body { grid-template-columns: 3fr 2fr; } }
.week-nav { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: .6rem; }
.totals { font-weight: 600; margin: .3rem 0; }
.week-approval { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1rem; margin: .4rem 0; }
.week-state { margin: 0; font-weight: 600; }
.week-approved .week-state { color: var(--ok); }
.week-days { border-collapse: collapse; width: 100%; max-width: 46rem; margin: .6rem 0; font-variant-numeric: tabular-nums; }
.week-days caption { caption-side: bottom; text-align: left; font-size: .85rem; padding-top: .3rem; }
.week-days th, .week-days td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); }
.week-days th[scope=row] { text-align: left; font-weight: 400; }
.week-days td, .week-days thead th:not(:first-child) { text-align: right; }
.timesheet-links { display: flex; flex-wrap: wrap; gap: .6rem; margin: .4rem 0; }
.deletion-notice { border-left: 4px solid var(--accent); padding: .3rem .7rem; background: #eef4ff; }
.approval-settings { display: grid; gap: .5rem; margin: .6rem 0; }
.approval-settings .check { display: flex; gap: .4rem; align-items: center; }
.approval-settings button { justify-self: start; }
.dispute-actions { display: flex; flex-wrap: wrap; gap: .3rem; }
button.small { font-size: .8rem; padding: .15rem .5rem; }
dialog.question textarea { width: 100%; font: inherit; padding: .4rem; border: 1px solid var(--line); border-radius: 4px; margin: .3rem 0 .6rem; }
.disputed-time { font-weight: 600; }
.bulk-actions { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0; }
.day-head .bulk-delete { font-size: .85rem; padding: .2rem .6rem; }
.week-days tr.today { background: #eef4ff; }
.week-days tfoot th, .week-days tfoot td { font-weight: 600; border-bottom: 0; }
.day-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .5rem; border-bottom: 1px solid var(--line); }
.cells { list-style: none; padding: 0; margin: .6rem 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: .7rem; }
.cell { border: 1px solid var(--line); border-radius: 6px; padding: .5rem; display: grid; gap: .3rem; align-content: start; font-size: .88rem; background: #fff; }
.cell.unbillable { background: #fff6f5; border-color: #f3c2bd; }
.cell p { margin: 0; overflow-wrap: anywhere; }
.shot { display: grid; gap: .2rem; }
.thumb-button { padding: 0; border: 1px solid var(--line); background: #eef0f4; line-height: 0; }
.thumb { width: 100%; aspect-ratio: 16 / 10; object-fit: cover; display: block; }
.placeholder { display: grid; place-items: center; aspect-ratio: 16 / 10; background: repeating-linear-gradient(45deg, #f0f1f4, #f0f1f4 8px, #e8eaef 8px, #e8eaef 16px); color: var(--muted); text-align: center; padding: .4rem; border-radius: 4px; font-weight: 600; }
.purge { color: var(--muted); font-size: .8rem; }
.hidden-windows { font-size: .8rem; margin: 0; }
.private-form textarea { width: 100%; font: inherit; font-family: ui-monospace, monospace; padding: .4rem; border: 1px solid var(--line); border-radius: 4px; }
.private-form .field { margin-bottom: .8rem; }
.rules { margin: .4rem 0; padding-left: 1.2rem; }
.activity { display: grid; gap: .15rem; }
.activity-track { display: block; height: 6px; background: #e6e8ee; border-radius: 3px; overflow: hidden; }
.activity-fill { display: block; height: 100%; background: var(--ok); }
.activity-text { color: var(--muted); font-size: .8rem; }
.app { color: var(--muted); }
.flag { color: var(--danger); font-weight: 600; }
.cell.disputed { border-color: var(--danger); border-width: 2px; }
.dispute { border-left: 3px solid var(--danger); padding-left: .4rem; display: grid; gap: .15rem; }
.dispute-head { color: var(--danger); font-weight: 600; font-size: .8rem; }
.dispute-note { white-space: pre-wrap; }
.status { position: fixed; bottom: 1rem; left: 50%; transform: translateX(-50%); background: var(--ink); color: #fff; padding: .4rem .9rem; border-radius: 6px; max-width: 90vw; }
.status:empty { display: none; }
dialog.viewer { width: min(1100px, 95vw); max-height: 95vh; border: 0; border-radius: 8px; padding: 1rem; }
dialog.viewer::backdrop { background: rgb(0 0 0 / .6); }
dialog.viewer .large { width: 100%; height: auto; max-height: 70vh; object-fit: contain; background: #111; }
dialog.viewer .actions, dialog.viewer .confirm { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin-top: .6rem; }
dialog.viewer .confirm p { flex-basis: 100%; margin: 0; }
dialog.question { width: min(34rem, 92vw); border: 0; border-radius: 8px; padding: 1rem 1.2rem; }
dialog.question::backdrop { background: rgb(0 0 0 / .6); }
dialog.question .actions { display: flex; flex-wrap: wrap; gap: .6rem; }
.account-link { color: #fff; font-size: .9rem; }
select, input:not([type]), input[type=text] { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 6px; max-width: 22rem; }
.new-contract-panel summary { cursor: pointer; }
.new-contract-panel summary h2 { display: inline; }
.new-contract { display: grid; gap: .6rem; margin-top: .8rem; }
.new-contract button[type=submit] { justify-self: start; }
.invitation-link { margin-top: .8rem; display: grid; gap: .3rem; }
.link-row { display: flex; gap: .5rem; flex-wrap: wrap; }
.link-row .link { flex: 1; min-width: 16rem; max-width: none; font-family: ui-monospace, monospace; font-size: .85rem; }
.state-now { font-weight: 600; }
.state-paused, .state-ended { color: var(--danger); }
.contract-state .actions, .invitation .actions { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0; }
.contract-state .confirm { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; }
.contract-state .confirm[hidden] { display: none; }
.contract-state .confirm p { flex-basis: 100%; margin: 0; }
.purge-date { font-weight: 600; }
.invitation-forms { display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
.invitation-forms form { display: grid; gap: .4rem; align-content: start; }
.invitation-forms button { justify-self: start; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
.invite-again { display: grid; gap: .3rem; margin: .4rem 0; }
.invite-again button, .keep-after-end button { justify-self: start; }
@media (max-width: 640px) {
  main { padding: .6rem; }
  .cells { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); }
  .week-days { font-size: .85rem; }
  .week-days th, .week-days td { padding: .2rem .3rem; }
  .topbar { flex-wrap: wrap; }
}
`;
