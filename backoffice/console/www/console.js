// SPDX-License-Identifier: MIT
// anpr-console's page (docs/console.md): log in, then the alerts as
// server-sent events (/v1/events; the browser's EventSource reconnects by
// itself and sends Last-Event-ID, the server replays what it missed),
// newest hit first, one action per hit. Every text goes in through
// textContent, never as HTML: an alert's reason is a hotlist's words.
"use strict";

const $ = (id) => document.getElementById(id);
const hits = new Map();		// alert id -> its <li>
const byCameraSeq = new Map();	// "camera seq" -> alert id (hit-record's hit)
const sites = new Map();	// camera -> site or null, asked once
let events = null;

// view: "login", or the session ({user, operator, analyst}): the live
// hits for an operator, the search for an analyst
function show(view) {
	const s = view === "login" ? null : view;
	$("login-view").hidden = s !== null;
	$("hits-view").hidden = !(s && s.operator);
	$("search-view").hidden = !(s && s.analyst);
	$("accuracy-view").hidden = !(s && s.reviewer);
	$("logout").hidden = s === null;
}

async function api(method, url, body) {
	const opt = { method, credentials: "same-origin", headers: {} };
	if (body !== undefined) {
		opt.headers["Content-Type"] = "application/json";
		opt.body = JSON.stringify(body);
	}
	const r = await fetch(url, opt);
	let j = null;
	try { j = await r.json(); } catch (e) { j = null; }
	return { status: r.status, body: j };
}

function age(t) {
	const s = Math.max(0, Math.round((Date.now() - Date.parse(t)) / 1000));
	if (s < 60) return s + " s ago";
	if (s < 3600) return Math.floor(s / 60) + " min ago";
	return Math.floor(s / 3600) + " h ago";
}

async function fillSite(camera, el) {
	if (!sites.has(camera)) {
		sites.set(camera, api("GET", "/v1/cameras/" + encodeURIComponent(camera) + "/site")
			.then((r) => (r.status === 200 && r.body ? r.body.site : null)));
	}
	const site = await sites.get(camera);
	if (site !== null && site !== undefined) el.textContent = "at " + site;
}

function showAction(li, a) {
	li.classList.add("acted");
	li.querySelector(".done").textContent = a.action + " by " + a.who +
		(a.note ? ": " + a.note : "");
	li.dataset.acted = a.action;
}

// The record behind a hit, asked again until the back office holds it
// and has verified it (anpr-upload sends hits first, within seconds; a
// chain link waits for the record before it): the page says what is known,
// never shows a broken image.
const STATE_TEXT = {
	"pending": "record not yet written by the camera",
	"no-record": "no record will be written",
	"not-received": "record not yet received",
	"unverified": "record received, chain not yet verified",
	"failed": "record received: SIGNATURE DID NOT VERIFY",
	"verified": "verified",
};
const RECHECK_MS = 2000, RECHECK_FOR_MS = 30 * 60 * 1000;

// base: "/v1/hits/" or "/v1/accuracy/"
function imageInto(fig, id, which, base) {
	const img = document.createElement("img");
	img.alt = which + " image of the hit";
	img.addEventListener("error", () => {
		// 403 (refused), 404 (not in the image store): said, not a broken image
		const span = document.createElement("span");
		span.className = "img-state";
		span.textContent = "image not available";
		img.replaceWith(span);
	});
	img.src = (base || "/v1/hits/") + id + "/" + which + ".jpg";
	fig.querySelector(".img-state").replaceWith(img);
}

async function checkRecord(id, li) {
	if (li.dataset.checking) return;
	li.dataset.checking = "1";
	let r;
	try { r = await api("GET", "/v1/hits/" + id + "/record"); } catch (e) { r = null; }
	delete li.dataset.checking;
	const el = li.querySelector(".verified");
	if (!r || r.status !== 200 || !r.body) {
		el.textContent = "record state unknown (" + (r ? r.status : "no answer") + ")";
	} else {
		const b = r.body;
		li.dataset.state = b.state;
		el.textContent = STATE_TEXT[b.state] || b.state;
		if (b.state === "verified" && b.covered) el.textContent += ", under a signed checkpoint";
		el.className = "verified" + (b.state === "verified" ? " good"
			: (b.state === "failed" ? " bad" : ""));
		if (b.record) li.querySelector(".record").textContent = b.record;
		const held = ["verified", "unverified", "failed"].includes(b.state);
		if (held && !li.dataset.images) {
			li.dataset.images = b.images ? "shown" : "not permitted";
			for (const which of ["plate", "overview"]) {
				const fig = li.querySelector("figure." + which);
				if (b.images) imageInto(fig, id, which);
				else fig.querySelector(".img-state").textContent = "images not permitted";
			}
		}
		if (b.state === "verified" || b.state === "no-record" || b.state === "failed") return;
	}
	if (Date.now() - Number(li.dataset.added) < RECHECK_FOR_MS && hits.get(id) === li)
		setTimeout(() => checkRecord(id, li), RECHECK_MS);
}

function addHit(ev) {
	const a = ev.alert;
	if (hits.has(ev.id)) return;
	const li = $("hit-template").content.firstElementChild.cloneNode(true);
	li.dataset.alertId = ev.id;
	li.classList.add(a.match.action, "fresh");
	li.querySelector(".action-kind").textContent = a.match.action.toUpperCase() +
		(a.kind === "hit-searchback" ? " (search back)" : "");
	li.querySelector(".listed").textContent = a.match.vrm;
	if (a.vrm !== a.match.vrm) li.querySelector(".read").textContent = "read " + a.vrm;
	li.querySelector(".priority").textContent = "priority " + a.match.priority;
	li.querySelector(".reason").textContent = a.match.reason;
	li.querySelector(".list").textContent = a.match.list +
		(a.match.fuzzy ? " (look-alike, " + a.match.distance + ")" : "");
	li.querySelector(".camera").textContent = ev.camera + " / " + a.source;
	li.querySelector(".time").textContent = a.time;
	li.querySelector(".age").textContent = age(a.time);
	li.querySelector(".confidence").textContent = Math.round(a.confidence * 100) + " %";
	li.querySelector(".record").textContent = a.record ? a.record
		: (a.record_pending ? "pending" : "none");
	fillSite(ev.camera, li.querySelector(".site"));
	for (const b of li.querySelectorAll("button[data-action]")) {
		b.addEventListener("click", async () => {
			const note = li.querySelector(".note").value;
			const r = await api("POST", "/v1/hits/" + ev.id + "/action",
					    { action: b.dataset.action, note });
			if (r.status !== 201) {
				li.querySelector(".done").textContent = "not recorded: " +
					(r.body && r.body.detail ? r.body.detail : r.status);
			}
		});
	}
	if (ev.action) showAction(li, ev.action);
	li.dataset.added = String(Date.now());
	hits.set(ev.id, li);
	checkRecord(ev.id, li);
	byCameraSeq.set(ev.camera + " " + a.seq, ev.id);
	$("hits").prepend(li);
	$("no-hits").hidden = true;
}

// A plate found but not read (not a hit: no mark, nobody to send): one
// line each, newest first, and how many each camera sent since the page
// opened (one camera sending many is more likely a dirty lens than many
// defaced plates). Text only; an alert the stream sends twice (a replay,
// then its notification) is counted once.
const unreadSeen = new Set();
const unreadByCamera = new Map();
const WHY = { "no-characters": "no characters on it", "not-read": "characters not read",
	      "no-format": "no plate format fits" };

function addUnreadable(ev) {
	const a = ev.alert;
	if (unreadSeen.has(ev.id)) return;
	unreadSeen.add(ev.id);
	const li = document.createElement("li");
	li.className = "unreadable";
	li.dataset.camera = ev.camera;
	li.textContent = a.time + " " + ev.camera + " " + a.source + ": plate not read (" +
		(WHY[a.why] || a.why) + "), vehicle " + a.vehicle + ", evidence " +
		Number(a.evidence).toFixed(2) + ": " + a.detail;
	$("unreadable").prepend(li);
	$("no-unreadable").hidden = true;
	unreadByCamera.set(ev.camera, (unreadByCamera.get(ev.camera) || 0) + 1);
	const counts = [...unreadByCamera.entries()].sort((x, y) => y[1] - x[1])
		.map(([c, n]) => c + " " + n);
	$("unreadable-counts").textContent = "By camera: " + counts.join(", ");
	$("unreadable-counts").hidden = false;
}

function onAlert(msg) {
	let ev;
	try { ev = JSON.parse(msg.data); } catch (e) { return; }
	const a = ev.alert;
	if (a.kind === "hit" || a.kind === "hit-searchback") {
		addHit(ev);
	} else if (a.kind === "hit-record") {
		const id = byCameraSeq.get(ev.camera + " " + a.hit_seq);
		const li = id !== undefined ? hits.get(id) : undefined;
		if (li) {
			li.querySelector(".record").textContent = a.record ? a.record
				: "none: " + a.detail;
			checkRecord(id, li);
		} else {
			addHit(ev);	// its hit is older than the replay
		}
	} else if (a.kind === "unreadable") {
		addUnreadable(ev);
	} else {
		const li = document.createElement("li");
		li.textContent = a.time + " " + ev.camera + " " + a.source + ": " + a.kind +
			(a.state ? " " + a.state + (a.active ? " raised" : " cleared") : "") +
			(a.detail ? " " + a.detail : "");
		$("others").prepend(li);
	}
}

// A cloned-plate flag (the back office's, not a camera's): the mark, both
// reads' cameras and times, how far apart and the speed they need, and
// each read's plate patch and overview (what tells two vehicles apart),
// asked only by a person who may see hits' images (the session says so:
// a refusal is audited, not asking is not). Text only; a flag the stream
// sends twice (a replay, then its notification) is shown once.
// An operator acts on a flag as on a hit (acknowledged, dispatched,
// misread, no action, with a note); the flag comes again with its latest
// action, which updates its card.
const clones = new Map();
let mayImages = false;
const CLONE_ACTIONS = [["acknowledged", "Acknowledged"], ["dispatched", "Dispatched"],
		       ["misread", "One read is a misread"], ["no-action", "No action"]];
function onClone(msg) {
	let c;
	try { c = JSON.parse(msg.data); } catch (e) { return; }
	const had = clones.get(c.id);
	if (had) {
		if (c.action) showAction(had, c.action);
		return;
	}
	const li = document.createElement("li");
	clones.set(c.id, li);
	li.className = "clone";
	li.dataset.cloneId = String(c.id);
	const b = document.createElement("b");
	b.className = "vrm";
	b.textContent = c.vrm;
	const text = document.createElement("span");
	text.className = "clone-text";
	text.append(b, " read by " + c.earlier.camera + " at " + c.earlier.time +
		    " and by " + c.later.camera + " at " + c.later.time + ": " + c.km +
		    " km in " + c.seconds + " s, " + c.kmh + " km/h needed");
	li.append(text);
	const reads = document.createElement("div");
	reads.className = "clone-reads";
	for (const read of ["earlier", "later"]) {
		const r = document.createElement("div");
		r.className = "clone-read " + read;
		const cap = document.createElement("span");
		cap.className = "clone-cap";
		cap.textContent = read + ": " + c[read].camera;
		r.append(cap);
		for (const which of ["plate", "overview"]) {
			const fig = document.createElement("figure");
			fig.className = which;
			const st = document.createElement("span");
			st.className = "img-state";
			st.textContent = mayImages ? "" : "images not permitted";
			fig.append(st);
			r.append(fig);
			if (mayImages) imageInto(fig, String(c.id) + "/" + read, which, "/v1/clones/");
		}
		reads.append(r);
	}
	li.append(reads);
	const act = document.createElement("div");
	act.className = "act";
	const note = document.createElement("input");
	note.className = "note";
	note.maxLength = 1000;
	note.placeholder = "Note";
	act.append(note);
	for (const [action, label] of CLONE_ACTIONS) {
		const b = document.createElement("button");
		b.type = "button";
		b.dataset.action = action;
		b.textContent = label;
		b.addEventListener("click", async () => {
			const r = await api("POST", "/v1/clones/" + c.id + "/action",
					    { action, note: note.value });
			if (r.status !== 201)
				li.querySelector(".done").textContent = "not recorded: " +
					(r.body && r.body.detail ? r.body.detail : r.status);
		});
		act.append(b);
	}
	const done = document.createElement("div");
	done.className = "done";
	li.append(act, done);
	if (c.action) showAction(li, c.action);
	$("clones").prepend(li);
	$("no-clones").hidden = true;
}

function onAction(msg) {
	let a;
	try { a = JSON.parse(msg.data); } catch (e) { return; }
	const li = hits.get(a.alert);
	if (li) showAction(li, a);
}

function start(session) {
	// whatever the page holds came from the session before (another
	// person's, perhaps): sites, images and record states are per person,
	// so it all goes and the stream replays the latest hits
	hits.clear();
	clones.clear();
	$("clones").replaceChildren();
	$("no-clones").hidden = false;
	byCameraSeq.clear();
	sites.clear();
	$("hits").replaceChildren();
	$("others").replaceChildren();
	$("no-hits").hidden = false;
	$("s-results").hidden = true;
	$("s-results").querySelector("tbody").replaceChildren();
	$("s-withheld").replaceChildren();
	$("s-summary").textContent = "";
	$("a-figures").querySelector("tbody").replaceChildren();
	$("samples").replaceChildren();
	$("a-summary").textContent = "";
	$("who").textContent = session.user;
	mayImages = !!session.images;
	show(session);
	if (session.reviewer) {
		loadFigures();
		loadSamples();
	}
	if (events) events.close();
	events = null;
	if (!session.operator) {	// no live stream for a search-only session
		$("link").textContent = "";
		$("link").className = "link";
		return;
	}
	events = new EventSource("/v1/events");
	events.addEventListener("open", () => {
		$("link").textContent = "live";
		$("link").className = "link up";
	});
	events.addEventListener("error", async () => {
		$("link").textContent = "reconnecting";
		$("link").className = "link down";
		// a session ended (logged out elsewhere, expired, the server
		// restarted): back to log in. The server away: EventSource
		// tries again by itself.
		let r;
		try { r = await api("GET", "/v1/session"); } catch (e) { return; }
		if (r.status === 401 && events) {
			events.close();
			events = null;
			show("login");
		}
	});
	events.addEventListener("alert", onAlert);
	events.addEventListener("action", onAction);
	events.addEventListener("clone", onClone);
}

$("login").addEventListener("submit", async (e) => {
	e.preventDefault();
	$("login-error").textContent = "";
	const r = await api("POST", "/v1/login",
			    { user: $("user").value, password: $("password").value });
	$("password").value = "";
	if (r.status === 200) start(r.body);
	else $("login-error").textContent = r.body && r.body.detail ? r.body.detail
		: "login refused (" + r.status + ")";
});

$("logout").addEventListener("click", async () => {
	await api("POST", "/v1/logout", {});
	if (events) events.close();
	events = null;
	location.reload();
});

setInterval(() => {
	for (const li of hits.values()) {
		const t = li.querySelector(".time").textContent;
		li.querySelector(".age").textContent = age(t);
	}
}, 5000);

// The search (POST /v1/search): the database applies the policy, audits
// and counts what it withholds. A window reaching past 12 months needs a
// senior officer's authorisation, asked here before anything is sent
// (the server refuses it too).
function monthsAgo(n) {
	const d = new Date();
	d.setUTCMonth(d.getUTCMonth() - n);
	return d.toISOString().slice(0, 10);
}
$("s-from").value = monthsAgo(3);

$("search").addEventListener("submit", async (e) => {
	e.preventDefault();
	const err = $("s-error");
	err.textContent = "";
	const from = $("s-from").value, auth = $("s-auth").value;
	const tbody = $("s-results").querySelector("tbody");
	// what is on screen is this question's answer or nothing
	tbody.replaceChildren();
	$("s-export-row").hidden = true;
	$("s-export-state").textContent = "";
	lastQuestion = null;
	$("s-withheld").replaceChildren();
	$("s-summary").textContent = "";
	$("s-results").hidden = true;
	if (from <= monthsAgo(12) && !auth) {
		$("s-auth-label").hidden = false;
		err.textContent = "A search reaching back more than 12 months needs a senior " +
			"officer's authorisation: give its number. Nothing was searched.";
		return;
	}
	const question = {
		vrm: $("s-vrm").value || null, fuzzy: $("s-fuzzy").checked,
		camera: $("s-camera").value || null, from, to: $("s-to").value || null,
		purpose: $("s-purpose").value, case_ref: $("s-case").value,
		authorisation: auth ? Number(auth) : null,
	};
	const r = await api("POST", "/v1/search", question);
	if (r.status !== 200 || !r.body) {
		if (r.body && r.body.error === "needs-authorisation") $("s-auth-label").hidden = false;
		err.textContent = r.body && r.body.detail ? r.body.detail
			: "search failed (" + r.status + ")";
		$("s-results").hidden = true;
		$("s-summary").textContent = "";
		return;
	}
	// the images are asked with this search's purpose, case and
	// authorisation (not the form's later values), one read at a time
	const asked = new URLSearchParams({ purpose: $("s-purpose").value,
		case_ref: $("s-case").value });
	if (auth) asked.set("authorisation", auth);
	for (const d of r.body.reads) {
		const tr = document.createElement("tr");
		tr.dataset.record = d.record;
		const cells = [d.time, d.vrm, d.camera, d.site === null ? "" : d.site,
			Math.round(d.confidence * 100) + " %", d.record,
			d.sig_ok && d.link_verified ? "verified" + (d.covered ? ", under a checkpoint" : "")
				: "NOT VERIFIED"];
		cells.forEach((t, i) => {
			const td = document.createElement("td");
			td.textContent = t;
			if (i === 1) td.className = "vrm";
			tr.append(td);
		});
		const td = document.createElement("td");
		const view = document.createElement("button");
		view.type = "button";
		view.className = "view-read";
		view.textContent = "View";
		view.addEventListener("click", () => viewRead(tr, d, asked));
		td.append(view);
		tr.append(td);
		tbody.append(tr);
	}
	$("s-results").hidden = r.body.reads.length === 0;
	if (r.body.reads.length) {
		lastQuestion = question;
		$("s-export-row").hidden = false;
	}
	let withheld = 0;
	for (const w of r.body.withheld) {
		const li = document.createElement("li");
		li.dataset.reason = w.reason;
		if (w.reason === "refused") {
			li.textContent = "Question refused: " + w.needs;
		} else {
			withheld += w.count;
			li.textContent = w.count + " read(s) withheld (" + w.reason + ", tier " +
				w.tier + "): needs " + w.needs;
		}
		$("s-withheld").append(li);
	}
	$("s-summary").textContent = r.body.found + " read(s) found" +
		(r.body.shown < r.body.found ? ", " + r.body.shown + " shown" : "") +
		(withheld ? "; " + withheld + " withheld" : "") + ". This search is in the audit.";
});

// The evidence export (POST /v1/export) of the question on screen: the
// database decides by the same policy and audits it as an export; the
// answer is the disclosure bundle (one tar; a tar of one bundle a chain
// when the reads are in several), saved by the browser.
let lastQuestion = null;
$("s-export").addEventListener("click", async () => {
	const state = $("s-export-state");
	if (!lastQuestion) return;
	state.textContent = "exporting...";
	let r;
	try {
		r = await fetch("/v1/export", { method: "POST", credentials: "same-origin",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify(lastQuestion) });
	} catch (e) {
		state.textContent = "export failed: no answer";
		return;
	}
	if (r.status !== 200) {
		let j = null;
		try { j = await r.json(); } catch (e) { j = null; }
		state.textContent = "not exported: " + (j && j.detail ? j.detail : "status " + r.status);
		return;
	}
	const blob = await r.blob();
	const said = new URLSearchParams((r.headers.get("X-ANPR-Export") || "").replace(/ /g, "&"));
	const a = document.createElement("a");
	a.href = URL.createObjectURL(blob);
	a.download = "anpr-evidence.tar";
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 60000);
	state.dataset.bytes = String(blob.size);
	state.textContent = "Exported " + (said.get("reads") || "?") + " read(s) in " +
		(said.get("bundles") || "?") + " bundle(s): anpr-evidence.tar, " + blob.size +
		" bytes (check it with anpr-verify). This export is in the audit.";
});

// One read of the answer opened below its row: its verification state as
// stored at ingest, and its plate patch and overview, each asked of
// GET /v1/reads/ID/WHICH.jpg (anpr.read_image: the search's policy, and
// each image shown is an audit entry, so they load only when asked).
function viewRead(tr, d, asked) {
	const open = tr.nextElementSibling;
	if (open && open.classList.contains("read-view")) { open.remove(); return; }
	const row = document.createElement("tr");
	row.className = "read-view";
	const td = document.createElement("td");
	td.colSpan = tr.children.length;
	const state = document.createElement("p");
	state.className = "read-state";
	state.textContent = "Record " + d.record + ": signature " +
		(d.sig_ok ? "verified" : "NOT VERIFIED") + " at ingest; chain link " +
		(d.link_verified ? "verified" : "not yet verified") + "; " +
		(d.covered ? "under a signed checkpoint held" : "not yet under a checkpoint held") + ".";
	td.append(state);
	for (const which of ["plate", "overview"]) {
		const fig = document.createElement("figure");
		fig.className = which;
		const img = document.createElement("img");
		img.alt = which + " image of read " + d.record;
		img.addEventListener("error", () => {
			const span = document.createElement("span");
			span.className = "img-state";
			span.textContent = which + " image not available";
			img.replaceWith(span);
		});
		img.src = "/v1/reads/" + encodeURIComponent(d.record) + "/" + which + ".jpg?" + asked;
		const cap = document.createElement("figcaption");
		cap.textContent = which === "plate" ? "plate patch" : "overview";
		fig.append(img, cap);
		td.append(fig);
	}
	row.append(td);
	tr.after(row);
}

// Read accuracy (reviewers): each camera's figures, and the day's sample
// to confirm or correct, with the read's images through the same policy
// as a hit's. Text through textContent only.
function pct(x) {
	return x === null || x === undefined ? "-" : (100 * x).toFixed(1) + " %";
}

async function loadFigures() {
	const r = await api("GET", "/v1/accuracy");
	const tbody = $("a-figures").querySelector("tbody");
	tbody.replaceChildren();
	if (r.status !== 200 || !r.body) {
		$("a-summary").textContent = "figures not available (" + r.status + ")";
		return;
	}
	const b = r.body;
	$("a-summary").textContent = "Last " + b.window_days + " days; " + b.per_camera_day +
		" reads a camera a day sampled; a camera needs attention when its lower bound is below " +
		pct(b.attention_below) + ".";
	for (const c of b.cameras) {
		const tr = document.createElement("tr");
		tr.dataset.camera = c.camera;
		const judged = c.confirmed + c.corrected + c.not_a_plate;
		const cells = [c.camera, "", pct(c.accuracy),
			c.lower === null ? "-" : pct(c.lower) + " to " + pct(c.upper),
			judged ? c.confirmed + " of " + judged : "none", c.corrected, c.not_a_plate,
			c.cannot_tell, c.unreviewed,
			c.hits_acted ? c.misread + " of " + c.hits_acted + " acted on" : "none acted on",
			c.attention === null ? "" : c.attention];
		cells.forEach((t, i) => {
			const td = document.createElement("td");
			td.textContent = String(t);
			td.className = ["camera", "site", "accuracy", "interval", "judged", "corrected",
				"not-a-plate", "cannot-tell", "unreviewed", "misread", "attention"][i];
			tr.append(td);
		});
		if (c.attention !== null) tr.classList.add("attention");
		fillSite(c.camera, tr.querySelector(".site"));
		tbody.append(tr);
	}
}

async function loadSamples() {
	const r = await api("GET", "/v1/accuracy/queue");
	const ol = $("samples");
	ol.replaceChildren();
	const items = r.status === 200 && r.body ? r.body.items : [];
	$("no-samples").hidden = items.length > 0;
	if (r.status !== 200) $("no-samples").textContent = "sample not available (" + r.status + ")";
	for (const it of items) {
		const li = $("sample-template").content.firstElementChild.cloneNode(true);
		li.dataset.sampleId = String(it.id);
		li.querySelector(".read").textContent = it.vrm;
		li.querySelector(".camera").textContent = it.camera;
		li.querySelector(".time").textContent = it.time;
		li.querySelector(".confidence").textContent = it.confidence === null ? ""
			: Math.round(it.confidence * 100) + " %";
		fillSite(it.camera, li.querySelector(".site"));
		for (const which of ["plate", "overview"]) {
			const fig = li.querySelector("figure." + which);
			if (it.images) imageInto(fig, it.id, which, "/v1/accuracy/");
			else fig.querySelector(".img-state").textContent = "images not permitted";
		}
		for (const btn of li.querySelectorAll("button[data-verdict]")) {
			btn.addEventListener("click", async () => {
				const body = { verdict: btn.dataset.verdict,
					note: li.querySelector(".note").value };
				if (btn.dataset.verdict === "corrected") body.vrm = li.querySelector(".vrm").value;
				const a = await api("POST", "/v1/accuracy/" + it.id + "/verdict", body);
				const done = li.querySelector(".done");
				if (a.status === 201) {
					li.classList.add("reviewed");
					li.dataset.verdict = btn.dataset.verdict;
					done.className = "done";
					done.textContent = btn.dataset.verdict.replace(/-/g, " ") +
						(body.vrm ? " to " + body.vrm.toUpperCase().replace(/ /g, "") : "") +
						": recorded";
					loadFigures();
				} else {
					done.className = "done error";
					done.textContent = "not recorded: " + (a.body && a.body.detail ? a.body.detail
						: a.status);
				}
			});
		}
		ol.append(li);
	}
}

api("GET", "/v1/session").then((r) => {
	if (r.status === 200) start(r.body);
	else show("login");
});
