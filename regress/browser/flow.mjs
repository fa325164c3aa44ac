// smsg in a real browser: headless Chromium, driven by playwright-core,
// goes through what a person does first: register and keep the recovery
// key, sign in, turn on two-factor login from the secret shown on the
// page, sign out, sign in with a code, and read the activity page.
// Prints TAP.  usage: node flow.mjs BASE_URL OUTDIR
// env: PW_DIR (node_modules holding playwright-core), CHROMIUM.
import { createHmac } from 'node:crypto';
import { ok, run, submit } from './lib.mjs';

const base = process.argv[2];
const outdir = process.argv[3] || '/tmp';

const user = 'brenda';
const password = 'juniper saddle quartz 73 ripple';

// RFC 4648 base32, as TOTP secrets are written.
function base32(s) {
	const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, value = 0;
	const out = [];
	for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
		const i = alpha.indexOf(c);
		if (i < 0)
			throw new Error(`not base32: ${c}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

// RFC 6238: HMAC-SHA1 over the 30 s step, dynamic truncation, 6 digits.
function totp(secret, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const h = createHmac('sha1', base32(secret)).update(msg).digest();
	const off = h[h.length - 1] & 0xf;
	const bin = (h.readUInt32BE(off) & 0x7fffffff) % 1000000;
	return String(bin).padStart(6, '0');
}

// A code from a step later than the last used one, with 5 s to spare.
let usedStep = 0;
async function freshCode(secret) {
	for (let i = 0; i < 70; i++) {
		const now = Date.now() / 1000;
		const step = Math.floor(now / 30);
		if (step > usedStep && 30 - (now % 30) >= 5) {
			usedStep = step;
			return totp(secret, step);
		}
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error('no fresh TOTP step within 70 s');
}

async function flow(page) {
	// RFC 6238 appendix B, to trust the generator before using it.
	ok(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', Math.floor(59 / 30)) === '287082',
	    'the TOTP generator matches RFC 6238 (T = 59)');

	let r = await page.goto(`${base}/register`);
	ok(r.status() === 200, `GET /register: 200 (${r.status()})`);
	await submit(page, '/register',
	    { username: user, password, password2: password });
	const text = await page.textContent('body');
	ok(/recovery/i.test(text), 'registering shows a recovery key',
	    text.slice(0, 200));
	await page.screenshot({ path: `${outdir}/recovery.png` });
	// Confirm the key is saved: tick what asks for it, follow on.
	const tick = page.locator('input[type="checkbox"]');
	if (await tick.count() > 0)
		await tick.first().check();
	const next = page.locator('form button, form input[type="submit"], a[href$="/login"], a[href$="/home"]');
	ok(await next.count() > 0, 'the recovery page offers a way on');
	if (await next.count() > 0) {
		await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
		    next.first().click()]);
	}

	await page.goto(`${base}/login`);
	await submit(page, '/login', { username: user, password });
	ok(page.url().endsWith('/home'), `signed in: at /home (${page.url()})`);
	ok((await page.textContent('body')).includes(user), 'the home page names the user');

	await page.goto(`${base}/settings/2fa`);
	await submit(page, '/settings/2fa/begin', {});
	const html = await page.content();
	const body = await page.textContent('body');
	let m = html.match(/secret=([A-Z2-7]{16,})/) ||
	    body.match(/\b((?:[A-Z2-7]{4}\s?){8})\b/);
	const secret = m ? m[1].replace(/\s/g, '') : '';
	ok(secret.length === 32, `the 2FA page shows a 160-bit secret (${secret.length} chars)`);
	await page.screenshot({ path: `${outdir}/totp.png` });
	await submit(page, '/settings/2fa/confirm',
	    { code: await freshCode(secret), password });
	const after = await page.textContent('body');
	ok(/enabled|recovery code|\bon\b/i.test(after), '2FA confirmed with the computed code',
	    after.slice(0, 200));

	await page.goto(`${base}/home`);
	await submit(page, '/logout', {});
	r = await page.goto(`${base}/home`);
	ok(page.url().includes('/login'), `signed out: /home leads to /login (${page.url()})`);

	await page.goto(`${base}/login`);
	await submit(page, '/login', { username: user, password });
	ok(page.url().endsWith('/login/totp'), `password accepted, code asked (${page.url()})`);
	await submit(page, '/login/totp', { code: await freshCode(secret) });
	ok(page.url().endsWith('/home'), `signed in with the code: at /home (${page.url()})`);

	r = await page.goto(`${base}/settings/activity`);
	ok(r.status() === 200, `GET /settings/activity: 200 (${r.status()})`);
	const act = await page.textContent('body');
	await page.screenshot({ path: `${outdir}/activity.png`, fullPage: true });
	ok(/login|sign(ed)? ?in/i.test(act), 'the activity page shows the logins');
	ok(/totp|2fa|two-factor/i.test(act), 'the activity page shows 2FA turned on');
	// the issue leaves a registration entry open: report, do not judge
	console.log(`# registration entry on the activity page: ${
	    /regist|account created/i.test(act) ? 'yes' : 'no'}`);
}

let page = null;
await run('the flow', outdir, async (browser) => {
	const context = await browser.newContext({ ignoreHTTPSErrors: true });
	page = await context.newPage();
	page.setDefaultTimeout(15000);
	await flow(page);
}, () => (page ? { flow: page } : {}));
