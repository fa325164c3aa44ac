#!/bin/sh
# The browser test: smsgd over HTTPS, and headless Chromium driven by
# playwright-core (flow.mjs) through register, 2FA and the activity page.
. "$top_srcdir/regress/https/lib_https.sh"
. "$top_srcdir/regress/browser/lib_browser.sh"

browser_run flow.mjs
exit $?
