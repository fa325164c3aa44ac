#!/bin/sh
# Resident memory of a running smsgd and of its children (VmRSS from
# /proc), each and summed.
#
#   bench/rss.sh [-j] [-m N] PID
#
# PID is smsgd's; its children are the processes whose parent it is.
# -j prints one JSON object's members ("smsgd": 2.5, ..., "all": 27.3)
# for bench/run.sh; -m N lists each process's N largest mappings by
# resident size (from smaps), to see where the memory goes: heap, thread
# stacks, anonymous regions (Berkeley DB's, OpenSSL's), libraries.
set -u

JSON=0
MAPS=0
while getopts jm: opt; do
	case $opt in
	j) JSON=1 ;;
	m) MAPS=$OPTARG ;;
	*) echo "usage: $0 [-j] [-m N] pid" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -d "/proc/$1" ] || { echo "$0: no process ${1:-}" >&2; exit 2; }
TOP=$1

# name pid, smsgd first, then its children in pid order
procs() {
	echo "$(sed -n 's/^Name:[[:space:]]*//p' "/proc/$TOP/status") $TOP"
	for s in /proc/[0-9]*/stat; do
		# the name is in parentheses and may hold spaces: cut after it
		{ read -r line < "$s"; } 2>/dev/null || continue
		rest=${line##*) }
		set -- $rest
		[ "$2" = "$TOP" ] || continue
		p=${s#/proc/}
		p=${p%/stat}
		echo "$(sed -n 's/^Name:[[:space:]]*//p' "/proc/$p/status") $p"
	done
}

rss_kib() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"
}

maps() {
	awk -v n="$2" '
	    /^[0-9a-f]+-[0-9a-f]+ / { name = $6 ? $6 : "[anonymous]"; range = $1 }
	    /^Rss:/ && $2 > 0 { printf "%8d KiB  %s %s\n", $2, range, name }' \
	    "/proc/$1/smaps" 2>/dev/null | sort -rn | head -n "$2"
}

procs | while read -r name pid; do
	echo "$name $pid $(rss_kib "$pid")"
done > "${TMPDIR:-/tmp}/rss.$$"
trap 'rm -f "${TMPDIR:-/tmp}/rss.$$"' EXIT

if [ "$JSON" = 1 ]; then
	awk '{ printf "\"%s\": %.1f, ", $1, $3 / 1024; s += $3 }
	    END { printf "\"all\": %.1f", s / 1024 }' "${TMPDIR:-/tmp}/rss.$$"
	exit 0
fi
awk '{ printf "%-12s %7d %8.1f MiB\n", $1, $2, $3 / 1024; s += $3 }
    END { printf "%-12s %7s %8.1f MiB\n", "all", "", s / 1024 }' \
    "${TMPDIR:-/tmp}/rss.$$"
if [ "$MAPS" -gt 0 ]; then
	while read -r name pid kib; do
		echo "-- $name ($pid)"
		maps "$pid" "$MAPS"
	done < "${TMPDIR:-/tmp}/rss.$$"
fi
