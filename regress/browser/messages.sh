#!/bin/sh
# The message pages in headless Chromium (messages.mjs): alice composes
# to bob with a file and an unlock time a few seconds ahead; bob, his
# inbox open, sees the countdown and the message open live; he reads it,
# downloads the file, and answers in the conversation view.
. "$top_srcdir/regress/https/lib_https.sh"
. "$top_srcdir/regress/browser/lib_browser.sh"

browser_run messages.mjs
exit $?
