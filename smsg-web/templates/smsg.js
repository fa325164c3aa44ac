/*
 * smsg's one script, served as /static/smsg.js under a CSP that allows
 * no inline script.  Everything it does is a convenience: without it
 * every page works by reload.
 *
 *  - times (<time datetime>) in the reader's time zone;
 *  - countdowns (<time data-unlock-at="SECONDS">) to a locked message's
 *    unlock time;
 *  - live pages: an EventSource on /events; on "message", "unlocked"
 *    and "deleted" the list ([data-live]) is fetched again and swapped
 *    in place, and a message page opens when its message unlocks;
 *  - uploads: the compose form is sent with XMLHttpRequest, with a
 *    progress bar, and its unlock time gets the zone's offset.
 */
(function () {
	'use strict';

	var RETRY_MAX = 30;	/* refreshes while a countdown is over */
	var refreshing = false, again = false, overdue = 0;

	function pad(n) {
		return n < 10 ? '0' + n : String(n);
	}

	function localTimes(root) {
		var list = root.querySelectorAll('time[datetime]'), i, t, d;

		for (i = 0; i < list.length; i++) {
			t = list[i];
			if (t.hasAttribute('data-unlock-at'))
				continue;
			d = new Date(t.getAttribute('datetime'));
			if (isNaN(d.getTime()))
				continue;
			t.title = t.textContent;
			t.textContent = d.toLocaleString(undefined, {
				dateStyle: 'medium', timeStyle: 'short' });
		}
	}

	function remaining(secs) {
		var d = Math.floor(secs / 86400), h, m, s;

		secs -= d * 86400;
		h = Math.floor(secs / 3600);
		m = Math.floor((secs % 3600) / 60);
		s = secs % 60;
		return (d > 0 ? d + ' d ' : '') + pad(h) + ':' + pad(m) + ':' +
		    pad(s);
	}

	/* The person is writing: a reload now would lose it. */
	function typing() {
		var f = document.querySelectorAll('textarea, input[type=text]');
		var i;

		for (i = 0; i < f.length; i++)
			if (f[i].value !== f[i].defaultValue)
				return true;
		return false;
	}

	function reloadPage() {
		if (typing())
			return;
		window.location.reload();
	}

	/*
	 * Fetch this page again and swap its live region in place; a
	 * locked message's page is loaded again once it is no longer
	 * locked (not before: the server's clock decides).
	 */
	function refresh() {
		var live = document.querySelector('[data-live]');
		var page = document.querySelector('[data-message][data-locked]');

		if (!live && !page)
			return;
		if (refreshing) {
			again = true;
			return;
		}
		refreshing = true;
		fetch(window.location.href, { credentials: 'same-origin',
		    cache: 'no-store' }).then(function (r) {
			if (!r.ok)
				throw new Error(r.status);
			return r.text();
		}).then(function (html) {
			var doc = new DOMParser().parseFromString(html,
			    'text/html');
			var fresh = doc.querySelector('[data-live]');

			if (page && !doc.querySelector('[data-locked]'))
				reloadPage();
			if (live && fresh) {
				live.innerHTML = fresh.innerHTML;
				localTimes(live);
				tick();
			}
		}).catch(function () {
			/* the next event or countdown tries again */
		}).then(function () {
			refreshing = false;
			if (again) {
				again = false;
				refresh();
			}
		});
	}

	function tick() {
		var list = document.querySelectorAll('time[data-unlock-at]');
		var now = Date.now() / 1000, due = false, i, t, s;

		for (i = 0; i < list.length; i++) {
			t = list[i];
			s = Math.ceil(Number(t.getAttribute('data-unlock-at')) -
			    now);
			if (s > 0) {
				t.textContent = 'in ' + remaining(s);
			} else {
				t.textContent = 'now';
				due = true;
			}
		}
		return due;
	}

	/* Once a second; while a countdown is over, refresh every 2 s. */
	function clock() {
		if (!tick())
			overdue = 0;
		else if (overdue < RETRY_MAX * 2) {
			if (overdue % 2 === 0)
				refresh();
			overdue++;
		}
	}

	function listen() {
		var es, page = document.querySelector('[data-message]');

		if (!window.EventSource ||
		    !document.querySelector('[data-live], [data-message]'))
			return;
		es = new EventSource('/events');
		function onEvent(e) {
			var data = {};

			try {
				data = JSON.parse(e.data);
			} catch (x) {
				/* an event without data still refreshes */
			}
			if (page) {
				if (data.id !== page.getAttribute('data-message'))
					return;
				if (e.type === 'deleted')
					window.location.assign('/messages');
			}
			refresh();
		}
		/* what came between the page and the stream, or a break */
		es.addEventListener('open', function () {
			refresh();
		});
		es.addEventListener('message', onEvent);
		es.addEventListener('unlocked', onEvent);
		es.addEventListener('deleted', onEvent);
	}

	/* Minutes east of UTC at the chosen local date and time. */
	function zoneOffset(form) {
		var at = form.querySelector('[name=unlock_at]');
		var tz = form.querySelector('[name=tz_offset]');
		var d;

		if (!at || !tz)
			return;
		d = at.value ? new Date(at.value) : new Date();
		tz.value = isNaN(d.getTime()) ? '' :
		    String(-d.getTimezoneOffset());
	}

	function zoneLabel(form) {
		var label = form.querySelector('[data-tz-label]');
		var off = -new Date().getTimezoneOffset();
		var a = Math.abs(off);

		if (label)
			label.textContent = '(your time, UTC' +
			    (off < 0 ? '-' : '+') + pad(Math.floor(a / 60)) +
			    ':' + pad(a % 60) + ')';
	}

	function uploadFailed(status, text) {
		status.textContent = text;
	}

	/*
	 * A field's reason in the answer (the form shown again), beside
	 * the same field of this form, which keeps what was typed and the
	 * files chosen.
	 */
	function fieldError(form, doc, err) {
		var f = doc.querySelector('[aria-describedby~="' + err.id +
		    '"]');
		var live = f && f.id ? form.querySelector('#' + f.id) : null;
		var span;

		if (!live)
			return;
		span = document.createElement('span');
		span.className = 'error';
		span.setAttribute('role', 'alert');
		span.setAttribute('data-field-error', '');
		span.textContent = err.textContent;
		live.setAttribute('aria-invalid', 'true');
		live.parentNode.appendChild(span);
	}

	/* The answer to a failed send: its alerts, shown by the form. */
	function failure(form, xhr) {
		var doc, alert, errs, bad, i;

		errs = form.querySelectorAll('[data-field-error]');
		for (i = 0; i < errs.length; i++) {
			bad = errs[i].parentNode.querySelector('[aria-invalid]');
			if (bad)
				bad.removeAttribute('aria-invalid');
			errs[i].remove();
		}
		if (!xhr.responseText)
			return 'Sending failed (' + xhr.status + ').';
		doc = new DOMParser().parseFromString(xhr.responseText,
		    'text/html');
		errs = doc.querySelectorAll('form .error[id]');
		for (i = 0; i < errs.length; i++)
			fieldError(form, doc, errs[i]);
		alert = doc.querySelector('[role=alert], main p');
		return alert ? alert.textContent : 'Sending failed (' +
		    xhr.status + ').';
	}

	function upload(form, e) {
		var box = form.querySelector('[data-progress]');
		var bar = form.querySelector('progress');
		var status = form.querySelector('[data-upload-status]');
		var button = form.querySelector('button[type=submit]');
		var xhr = new XMLHttpRequest();

		if (!box || !bar || !status || !window.FormData)
			return;
		e.preventDefault();
		zoneOffset(form);
		box.hidden = false;
		bar.value = 0;
		status.textContent = 'Sending…';
		button.disabled = true;
		xhr.upload.onprogress = function (p) {
			if (p.lengthComputable) {
				bar.value = Math.floor(100 * p.loaded / p.total);
				status.textContent = bar.value + ' %';
			}
		};
		xhr.onload = function () {
			button.disabled = false;
			if (xhr.status !== 200) {
				uploadFailed(status, failure(form, xhr));
				return;
			}
			bar.value = 100;
			if (form.hasAttribute('data-stay')) {
				form.reset();
				zoneLabel(form);
				status.textContent = 'Sent.';
				refresh();
			} else {
				window.location.assign(xhr.responseURL);
			}
		};
		xhr.onerror = function () {
			button.disabled = false;
			uploadFailed(status, 'Sending failed: the connection ' +
			    'was lost.');
		};
		xhr.open('POST', form.action);
		xhr.send(new FormData(form));
	}

	function forms() {
		var list = document.querySelectorAll('form[data-upload]'), i;

		for (i = 0; i < list.length; i++) {
			(function (form) {
				zoneLabel(form);
				zoneOffset(form);
				form.addEventListener('change', function () {
					zoneOffset(form);
				});
				form.addEventListener('submit', function (e) {
					upload(form, e);
				});
			})(list[i]);
		}
	}

	document.addEventListener('DOMContentLoaded', function () {
		localTimes(document);
		tick();
		window.setInterval(clock, 1000);
		forms();
		listen();
	});
})();
