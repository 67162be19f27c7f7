// The in-car page (docs/incar.md): the car's own hits from anpr-incar's
// event stream, newest first, with a sound for a fresh hit and the plate
// patch once its record is written. No library, no build step; every
// text from an alert goes in with textContent, never as HTML.
'use strict';

const MAX_CARDS = 50;
const FRESH_S = 120;	// a hit older than this (a replay) makes no sound

const hits = document.getElementById('hits');
const banner = document.getElementById('anprd');
const soundButton = document.getElementById('sound');
const cameraLine = document.getElementById('camera');
const template = document.getElementById('hit-template');
let audio = null;
document.body.dataset.beeps = '0';
document.body.dataset.alerts = '0';

function setText(root, sel, text) {
	root.querySelector(sel).textContent = text;
}

function ago(iso) {
	const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
	if (s < 90) return s + ' s ago';
	if (s < 5400) return Math.round(s / 60) + ' min ago';
	return Math.round(s / 3600) + ' h ago';
}

function clock(iso) {
	const d = new Date(iso);
	return isNaN(d) ? iso : d.toLocaleTimeString([], { hour12: false });
}

// The sound: three high tones for an intercept, one lower for the rest.
// A browser starts audio only after a touch unless its kiosk allows it
// (--autoplay-policy=no-user-gesture-required): the button says so.
function beep(intercept) {
	try {
		if (!audio) audio = new AudioContext();
		if (audio.state === 'suspended') audio.resume();
	} catch (e) {
		return;
	}
	const n = intercept ? 3 : 1;
	for (let i = 0; i < n; i++) {
		const o = audio.createOscillator(), g = audio.createGain();
		const t = audio.currentTime + i * 0.25;
		o.frequency.value = intercept ? 1320 : 880;
		g.gain.setValueAtTime(0.4, t);
		g.gain.setValueAtTime(0, t + 0.18);
		o.connect(g).connect(audio.destination);
		o.start(t);
		o.stop(t + 0.2);
	}
	document.body.dataset.beeps = String(Number(document.body.dataset.beeps) + 1);
	soundButton.hidden = audio.state !== 'suspended';
}

soundButton.addEventListener('click', () => {
	if (!audio) audio = new AudioContext();
	audio.resume().then(() => { soundButton.hidden = true; });
});

function newCard(a) {
	const li = template.content.firstElementChild.cloneNode(true);
	const m = a.match || {};
	li.classList.add(m.action === 'intercept' ? 'intercept' : 'inform');
	li.dataset.seq = String(a.seq);
	li.dataset.listed = m.vrm || '';
	li.dataset.time = a.time;
	setText(li, '.action', a.kind === 'hit-searchback' ? 'seen earlier: ' + (m.action || '') : (m.action || ''));
	setText(li, '.mark', m.vrm || a.vrm);
	setText(li, '.read', a.vrm !== m.vrm || m.distance > 0
		? 'read ' + a.vrm + (m.distance > 0 ? ' (look-alike)' : '') : '');
	setText(li, '.list', m.list || '');
	setText(li, '.priority', 'priority ' + m.priority);
	setText(li, '.reason', m.reason || '');
	setText(li, '.ago', ago(a.time));
	setText(li, '.at', 'at ' + clock(a.time));
	setText(li, '.source', 'camera ' + a.camera + ' ' + a.source);
	setText(li, '.confidence', Number(a.confidence).toFixed(2));
	if (a.record) showRecord(li, a);
	return li;
}

function showRecord(li, a) {
	const rec = li.querySelector('.record');
	if (a.record) {
		rec.textContent = 'record ' + a.record;
		rec.classList.remove('none');
		li.dataset.record = a.record;
		const img = li.querySelector('.plate');
		img.addEventListener('load', () => { img.hidden = false; }, { once: true });
		img.addEventListener('error', () => {
			rec.textContent = 'record ' + a.record + ' (its plate image is not on this host)';
		}, { once: true });
		img.src = '/plate/' + encodeURIComponent(a.record);
	} else {
		rec.textContent = 'NO RECORD: ' + (a.detail || 'none will be written');
		rec.classList.add('none');
	}
}

function onHit(a) {
	const li = newCard(a);
	hits.prepend(li);
	while (hits.children.length > MAX_CARDS) hits.lastElementChild.remove();
	document.getElementById('empty').hidden = true;
	const fresh = (Date.now() - Date.parse(a.time)) / 1000 < FRESH_S;
	if (!fresh) li.classList.add('old');
	if (fresh && a.kind === 'hit') beep(a.match && a.match.action === 'intercept');
}

function onHitRecord(a) {
	// the card of the hit it follows: same anprd seq and listed mark
	const listed = (a.match && a.match.vrm) || '';
	for (const li of hits.children) {
		if (li.dataset.seq === String(a.hit_seq) && li.dataset.listed === listed) {
			showRecord(li, a);
			return;
		}
	}
	onHit(a);	// its hit is older than this page's memory: shown on its own
}

// A plate found but not read (kind unreadable, docs/alerts.md): no hit,
// so no card and no sound; a quiet line an officer may act on (a
// defaced or "ghost" plate), newest first, the last MAX_UNREAD kept.
const MAX_UNREAD = 10;
function onUnreadable(a) {
	const li = document.createElement('li');
	li.className = 'unread';
	li.textContent = clock(a.time) + ' ' + (a.source || '') + ': a plate found, not read (' +
		(a.why || '?') + '), vehicle ' + a.vehicle + ', evidence ' +
		Math.round(100 * (Number(a.evidence) || 0)) + ' %' + (a.detail ? ': ' + a.detail : '');
	const list = document.getElementById('unread');
	list.prepend(li);
	while (list.children.length > MAX_UNREAD) list.lastElementChild.remove();
	document.getElementById('unread-view').hidden = false;
}

function onHealth(a) {
	if (a.active) {
		cameraLine.hidden = false;
		cameraLine.textContent = 'Camera ' + a.camera + ' ' + a.source + ': ' + a.state +
			' since ' + clock(a.time) + (a.detail ? ' (' + a.detail + ')' : '');
	} else {
		cameraLine.hidden = true;
	}
}

function onAlert(ev) {
	let a;
	try {
		a = JSON.parse(ev.data);
	} catch (e) {
		return;
	}
	document.body.dataset.alerts = String(Number(document.body.dataset.alerts) + 1);
	if (a.kind === 'hit' || a.kind === 'hit-searchback') onHit(a);
	else if (a.kind === 'hit-record') onHitRecord(a);
	else if (a.kind === 'health') onHealth(a);
	else if (a.kind === 'unreadable') onUnreadable(a);
}

function onAnprd(ev) {
	const s = JSON.parse(ev.data);
	banner.className = s.connected ? 'up' : 'down';
	banner.textContent = s.connected
		? 'Live: connected to this car\'s camera since ' + clock(s.since)
		: 'NOT LIVE since ' + clock(s.since) + ': ' + s.why;
}

const events = new EventSource('/events');
events.addEventListener('alert', onAlert);
events.addEventListener('anprd', onAnprd);
events.addEventListener('error', () => {
	banner.className = 'down';
	banner.textContent = 'NOT LIVE: this screen lost its server (anpr-incar); reconnecting';
});

setInterval(() => {
	for (const li of hits.children) setText(li, '.ago', ago(li.dataset.time));
}, 1000);
