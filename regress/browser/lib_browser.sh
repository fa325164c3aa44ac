# Shared by the browser tests: Debian's Chromium, node, and
# playwright-core installed from npm into regress/browser/node_modules on
# the first run, at the version package.json pins.  Sourced after
# lib_https.sh; sets CHROMIUM and PW_HOME, or skips the script.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || skip_all "node missing (apt-get install nodejs)"
command -v npm >/dev/null 2>&1 || skip_all "npm missing (apt-get install npm)"
[ -x "$CHROMIUM" ] || skip_all "no Chromium at $CHROMIUM (apt-get install chromium)"
need_root

# Install beside the sources when we may write there, else in the build.
PW_HOME="$top_srcdir/regress/browser"
[ -w "$PW_HOME" ] || PW_HOME="$top_builddir/regress/browser"
if [ ! -f "$PW_HOME/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$PW_HOME"
	[ -f "$PW_HOME/package.json" ] ||
	    cp "$top_srcdir/regress/browser/package.json" "$PW_HOME/"
	( cd "$PW_HOME" && timeout 300 npm install --no-package-lock \
	    --no-audit --no-fund --loglevel=error ) > "${TMPDIR:-/tmp}/smsg-npm.$$" 2>&1
	rc=$?
	if [ ! -f "$PW_HOME/node_modules/playwright-core/package.json" ]; then
		sed 's/^/# /' "${TMPDIR:-/tmp}/smsg-npm.$$" | tail -20
		rm -f "${TMPDIR:-/tmp}/smsg-npm.$$"
		skip_all "npm install of playwright-core failed (exit $rc)"
	fi
	rm -f "${TMPDIR:-/tmp}/smsg-npm.$$"
fi
want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' \
    "$top_srcdir/regress/browser/package.json")
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$PW_HOME/node_modules/playwright-core/package.json" | head -1)
[ "$want" = "$have" ] || { echo "Bail out! playwright-core $have installed, $want pinned: remove $PW_HOME/node_modules"; exit 1; }


# browser_run SCRIPT: smsgd started, SCRIPT (a .mjs of this directory)
# run against it; its TAP printed, and the script's exit status.
browser_run() {
	https_start
	mkdir -p "$PREFIX/shots"
	PW_DIR="$PW_HOME/node_modules" CHROMIUM="$CHROMIUM" timeout 300 \
	    node "$top_srcdir/regress/browser/$1" "$BASE" "$PREFIX/shots" \
	    > "$PREFIX/tap" 2>&1
	rc=$?
	cat "$PREFIX/tap"
	# SMSG_KEEP_SHOTS=DIR keeps the screenshots for a person to see
	[ -n "${SMSG_KEEP_SHOTS:-}" ] &&
	    cp -r "$PREFIX/shots/." "$SMSG_KEEP_SHOTS/"
	if [ $rc -ne 0 ]; then
		# let cleanup show the daemon's log; keep the screenshots
		T_FAILED=1
		grep -q '^1\.\.' "$PREFIX/tap" ||
		    echo "Bail out! $1 exited $rc"
	fi
	return $rc
}
