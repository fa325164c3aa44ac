#!/bin/sh
# The root parent links none of the network-facing code: no TLS library,
# no JSON library, no HTTP parser or multipart code.  The front is its own
# executable, and the running front is that executable.
. "$top_srcdir/regress/lib.sh"
need_root

# The installed smsgd and its test build are made from the same sources.
for bin in "$top_builddir/smsgd/smsgd" "$SMSGD"; do
	name=${bin#$top_builddir/}
	libs=$(ldd "$bin" 2>/dev/null)
	check "$name links libraries (ldd answered)" [ -n "$libs" ]
	for lib in libssl libcrypto libjansson; do
		check "$name does not link $lib" \
		    sh -c "! printf '%s\n' \"\$1\" | grep -q \"\$2\"" - "$libs" "$lib"
	done
	syms=$(nm "$bin" 2>/dev/null)
	check "$name has a symbol table (nm answered)" [ -n "$syms" ]
	for sym in http_parse multipart_ json_ SSL_ conn_accept app_head; do
		check "$name has no $sym symbol" \
		    sh -c "! printf '%s\n' \"\$1\" | grep -q \" [TtUu] \$2\"" - \
		    "$syms" "$sym"
	done
done

front="$top_builddir/smsgd/front/smsg-front"
check "smsg-front holds the HTTP parser" \
    sh -c "nm '$front' | grep -q ' [Tt] http_parse$'"
check "smsg-front links libssl" sh -c "ldd '$front' | grep -q libssl"

daemon_setup
daemon_start
check "all four children running within 15 s" wait_for 15 all_running
pid=$(child_pid smsg-front)
check "the front has a pid ($pid)" [ -n "$pid" ]
check "the running front is regress/bin/smsg-front" \
    [ "$(readlink /proc/$pid/exe)" = "$top_builddir/regress/bin/smsg-front" ]
check "the parent is regress/bin/smsgd" \
    [ "$(readlink /proc/$DAEMON_PID/exe)" = "$top_builddir/regress/bin/smsgd" ]
done_testing
