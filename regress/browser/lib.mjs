// Shared by the browser tests: TAP output, Chromium launched headless
// through playwright-core (PW_DIR, CHROMIUM), and a form submitted as a
// person does.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(process.env.PW_DIR + '/');
export const pw = require('playwright-core');

let n = 0;
let failed = 0;

export function ok(cond, desc, why) {
	n++;
	if (!cond)
		failed++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${desc}`);
	if (!cond && why)
		console.log(`# ${why}`);
	return cond;
}

// Submit the form whose action ends with path, after filling fields.
export async function submit(page, action, fields) {
	const form = page.locator(`form[action$="${action}"]`).first();
	for (const [name, value] of Object.entries(fields))
		await form.locator(`[name="${name}"]`).fill(value);
	await Promise.all([
		page.waitForNavigation({ waitUntil: 'load' }),
		form.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click(),
	]);
}

// Run flow(browser) with a watchdog; print the plan; exit 1 on failure.
// On an exception, the pages named in shots() are saved to outdir.
export async function run(name, outdir, flow, shots) {
	const watchdog = setTimeout(() => {
		console.log(`Bail out! ${name} took over 240 s`);
		process.exit(1);
	}, 240000);
	const browser = await pw.chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		// root has no user namespace sandbox for Chromium to use; the
		// download manager opens connections of its own, which the
		// context's ignoreHTTPSErrors does not cover: the test
		// daemon's certificate is a throw-away self-signed one
		args: ['--no-sandbox', '--ignore-certificate-errors'],
		headless: true,
	});
	try {
		await flow(browser);
	} catch (e) {
		ok(false, `${name} ran to its end`, String(e).split('\n')[0]);
		for (const [tag, page] of Object.entries(shots())) {
			try {
				writeFileSync(`${outdir}/failed-${tag}.html`,
				    await page.content());
				await page.screenshot({
				    path: `${outdir}/failed-${tag}.png` });
			} catch (e2) {
				// the page may be gone; the error above says why
			}
		}
	} finally {
		await browser.close();
		clearTimeout(watchdog);
	}
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
}
