// The message pages in headless Chromium: alice (in Kolkata) composes to
// bob with a file and an unlock time a few seconds ahead, through the
// page and its upload script (first to a name that is nobody's: the
// reason shows beside "To", and all she typed and chose stays); bob (in
// New York), his inbox open, sees the countdown, then the message open
// without a reload; he reads it,
// downloads the file (its SHA-256 is the one sent), and answers in the
// conversation view, which shows their exchange in order, on both sides
// live.  No sleep is an assertion: every wait is for a condition, bounded.
// Prints TAP.  usage: node messages.mjs BASE_URL OUTDIR
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ok, pw, run, submit } from './lib.mjs';

const base = process.argv[2];
const outdir = process.argv[3] || '/tmp';
const password = 'saffron kettle meadow 29 lantern';
const LEAD = 20;		// seconds from sending to unlocking
const KOLKATA = 19800;		// UTC+05:30, no summer time
const subject = 'Plans <for> the "weekend" & more';
const body = 'Line one.\nLine two <b>not bold</b>.';
const reply = 'Thanks, got it & read it.';
const pages = {};

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

async function signIn(browser, user, zone) {
	const context = await browser.newContext({ ignoreHTTPSErrors: true,
	    timezoneId: zone, acceptDownloads: true });
	const page = await context.newPage();
	page.setDefaultTimeout(15000);
	pages[user] = page;
	await page.goto(`${base}/login`);
	await submit(page, '/login', { username: user, password });
	ok(page.url().endsWith('/home'), `${user} signs in (${page.url()})`);
	return page;
}

// Marks the page; the mark is gone if the page is loaded again.
const mark = (page) => page.evaluate(() => { window.smsgMark = 1; });
const marked = (page) => page.evaluate(() => window.smsgMark === 1);

async function compose(alice, file) {
	const progress = [];
	let postType = '';

	await alice.exposeFunction('smsgProgress', (v) => progress.push(v));
	alice.on('request', (r) => {
		if (r.method() === 'POST' && r.url().endsWith('/messages'))
			postType = r.resourceType();
	});
	await alice.goto(`${base}/compose?to=bob`);
	ok(/your time, UTC\+05:30/.test(await alice.textContent(
	    '[data-tz-label]')), 'the unlock field says the time is local');
	await alice.evaluate(() => {
		const bar = document.querySelector('form[data-upload] progress');
		new MutationObserver(() => window.smsgProgress(bar.value))
		    .observe(bar, { attributes: true });
	});
	const unlock = Math.floor(Date.now() / 1000) + LEAD;
	const local = new Date((unlock + KOLKATA) * 1000).toISOString()
	    .slice(0, 19);
	const form = alice.locator('form[data-upload]');
	await form.locator('[name=subject]').fill(subject);
	await form.locator('[name=body]').fill(body);
	await form.locator('[name=unlock_at]').fill(local);
	await form.locator('[name=file]').setInputFiles({
	    name: 'notes <1>.bin', mimeType: 'application/octet-stream',
	    buffer: file });
	// A name that is nobody's first: the reason by "To", all kept.
	await mark(alice);
	await form.locator('[name=to]').fill('bob, nosuchuser');
	await form.locator('button[type=submit]').click();
	const why = await form.locator('[data-field-error]').first()
	    .textContent({ timeout: 60000 });
	ok(/nosuchuser/.test(why) && await marked(alice),
	    `a name that is nobody's: the reason beside "To", the page ` +
	    `not left (${why})`);
	const kept = await form.evaluate((f) => [f.subject.value,
	    f.body.value, f.unlock_at.value, f.file.files.length].join('|'));
	ok(kept === [subject, body, local, 1].join('|'),
	    `subject, text, unlock time and file still there (${kept})`);
	ok(await form.locator('[name=to][aria-invalid=true]').count() === 1,
	    '"To" marked invalid');
	await form.locator('[name=to]').fill('bob');
	await form.locator('button[type=submit]').click();
	await alice.waitForURL(/\/messages\/[A-Za-z0-9_-]{22}$/,
	    { timeout: 60000 });
	ok(postType === 'xhr', `the form was sent by the script (${postType})`);
	ok(progress.length > 0 && progress[progress.length - 1] === 100,
	    `the progress bar moved to 100 (${progress.join(' ')})`);
	return unlock;
}

async function inbox(bob, unlock) {
	const t = await bob.waitForSelector('time[data-unlock-at]',
	    { timeout: 30000 });
	ok(true, 'bob\'s open inbox shows the new message, locked');
	ok(Number(await t.getAttribute('data-unlock-at')) === unlock,
	    'its unlock time is the one alice chose in her zone');
	const first = await t.textContent();
	ok(/^in \d\d:\d\d:\d\d$/.test(first), `a countdown: "${first}"`);
	ok(!(await bob.content()).includes('weekend'),
	    'the locked message shows no subject');
	await bob.waitForFunction((f) => {
		const c = document.querySelector('time[data-unlock-at]');
		return c === null || c.textContent !== f;
	}, first, { timeout: 10000 });
	ok(true, 'the countdown counts');
	await bob.waitForSelector('.subject a:has-text("weekend")',
	    { timeout: (LEAD + 40) * 1000 });
	ok(Date.now() / 1000 >= unlock - 1,
	    'the subject shows once the unlock time has come');
	ok(await marked(bob), 'it opened live, without a reload');
}

async function read(bob, file) {
	await Promise.all([bob.waitForNavigation(),
	    bob.click('.subject a:has-text("weekend")')]);
	const text = await bob.textContent('.body');
	ok(text === body, 'the body, its line break kept, nothing as HTML',
	    JSON.stringify(text));
	ok(await bob.textContent('h2.subject') === subject, 'the subject');
	ok(/Signature verified/.test(await bob.textContent('main')),
	    'the signature is verified');
	const link = bob.locator('ul.files a');
	ok(await link.textContent() === 'notes <1>.bin', 'the file, by name');
	const [dl] = await Promise.all([bob.waitForEvent('download'),
	    link.click()]);
	const got = readFileSync(await dl.path());
	ok(sha256(got) === sha256(file),
	    `the download's SHA-256 is the upload's (${got.length} bytes)`);
}

async function conversation(alice, bob) {
	await alice.goto(`${base}/conversations/bob`);
	await mark(alice);
	await bob.goto(`${base}/conversations/alice`);
	await mark(bob);
	ok((await bob.textContent('[data-live]')).includes('weekend'),
	    'bob\'s conversation with alice shows her message');
	await bob.locator('form[data-upload] [name=body]').fill(reply);
	await bob.locator('form[data-upload] button[type=submit]').click();
	await bob.waitForFunction((r) => document.querySelector(
	    '[data-live]').textContent.includes(r), reply, { timeout: 30000 });
	ok(await marked(bob), 'bob\'s answer shows in his view, no reload');
	ok((await bob.inputValue('form[data-upload] [name=body]')) === '',
	    'the reply box is empty again');
	await alice.waitForFunction((r) => document.querySelector(
	    '[data-live]').textContent.includes(r), reply, { timeout: 30000 });
	ok(await marked(alice), 'and arrives live in alice\'s view');
	for (const [who, page] of [['bob', bob], ['alice', alice]]) {
		const live = await page.textContent('[data-live]');
		const a = live.indexOf('Line two'), b = live.indexOf(reply);
		ok(a >= 0 && b > a, `${who}'s view: the exchange in order`);
	}
	await bob.screenshot({ path: `${outdir}/conversation.png`,
	    fullPage: true });
}

await run('the message flow', outdir, async (browser) => {
	const api = await pw.request.newContext({ ignoreHTTPSErrors: true });
	for (const u of ['alice', 'bob']) {
		const r = await api.post(`${base}/api/v1/register`,
		    { data: { username: u, password } });
		ok(r.status() === 201, `${u} registers (${r.status()})`);
	}
	const alice = await signIn(browser, 'alice', 'Asia/Kolkata');
	const bob = await signIn(browser, 'bob', 'America/New_York');
	await bob.goto(`${base}/messages`);
	ok((await bob.textContent('main')).includes('No messages'),
	    'bob\'s inbox is empty');
	await mark(bob);
	const file = randomBytes(2 * 1024 * 1024 + 123);
	const unlock = await compose(alice, file);
	await inbox(bob, unlock);
	await bob.screenshot({ path: `${outdir}/inbox.png` });
	await read(bob, file);
	await conversation(alice, bob);
}, () => pages);
