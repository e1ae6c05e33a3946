#!/usr/bin/env bash
# The tour a new admin takes, driven in tmux on the built-in demo directory:
# find a user among 5,000 with /, toggle public IM connectivity, review,
# commit, see the new value, decode a value in the bit explorer, and audit a
# user who cannot sign in. Each step waits for what the screen must show and
# fails naming it, so this is also a check that docs/demo.tape's keys work.
#
# Writes docs/screenshots/NN-name.txt (the screen as text) and, when aha and
# chromium are installed (apt-get install aha chromium), a PNG of the main
# screens (made smaller with pngquant when it is installed).
#
#   bash docs/tour.sh                  # TOUR_OUT=DIR writes elsewhere (CI does)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${TOUR_OUT:-docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: chromium is given a path, not a cwd
work=$(mktemp -d)
T="tmux -L ocsflags-tour"
cleanup() { $T kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/ocsflags" .
# A session that outlives every tour session: killing the last one would end
# the server, and the next new-session could reach it while it exits.
$T new-session -d -s keepalive "sleep 3600"

start() { # start WIDTH HEIGHT [ARGS...]
	local w=$1 h=$2
	shift 2
	$T kill-session -t tour 2>/dev/null || true
	# The journal goes to a scratch directory: a tour is not a change to keep.
	# After the console quits, the pane says so: quitting is a step too.
	$T new-session -d -s tour -x "$w" -y "$h" \
		"XDG_STATE_HOME=$work/state $work/ocsflags $*; echo \"ocsflags exited: \$?\"; sleep 60"
}

screen() { $T capture-pane -p -t tour; }

wait_for() { # wait_for TEXT: poll the screen for up to 10 s
	for _ in $(seq 100); do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "tour.sh: the screen never showed \"$1\"; last screen:" >&2
	screen >&2
	exit 1
}

keys() { $T send-keys -t tour "$@"; }
typed() { $T send-keys -t tour -l "$1"; }

snap() { # snap NAME [png]: the screen as text, and as PNG when asked and it can be rendered
	sleep 0.2 # let the spinner settle
	screen >"$out/$1.txt"
	if [ "${2:-}" = png ] && command -v aha >/dev/null && command -v chromium >/dev/null; then
		$T capture-pane -e -p -t tour | aha --black --no-header >"$work/body.html"
		local rows cols
		rows=$($T display -p -t tour '#{window_height}')
		cols=$($T display -p -t tour '#{window_width}')
		{
			printf '<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#000;color:#ddd}'
			printf 'pre{margin:8px;font:15px/18px "DejaVu Sans Mono",monospace}</style><pre>'
			cat "$work/body.html"
			printf '</pre>'
		} >"$work/$1.html"
		# DejaVu Sans Mono at 15px is 9px wide per cell.
		rm -f "$out/$1.png"
		chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
			--window-size=$((cols * 9 + 16)),$((rows * 18 + 16)) \
			--screenshot="$out/$1.png" "file://$work/$1.html" >"$work/chromium.log" 2>&1 || true
		if [ ! -s "$out/$1.png" ]; then
			echo "tour.sh: chromium made no $out/$1.png (text screens are fine); its output:" >&2
			cat "$work/chromium.log" >&2
			return 0
		fi
		# A palette is enough for text on black and keeps each PNG well under 150 KB.
		if command -v pngquant >/dev/null; then
			pngquant --force --skip-if-larger --output "$out/$1.png" 64 -- "$out/$1.png" || true
		fi
		if [ "$(stat -c %s "$out/$1.png")" -gt 153600 ]; then
			echo "tour.sh: $out/$1.png is over 150 KB (apt-get install pngquant makes it smaller)" >&2
		fi
	fi
}

# 1. The console at 100x30 on the demo directory.
start 100 30
wait_for "Containers"
snap 01-start

# 2. Corp › Staff: 5,000 users stream in.
keys Down Down Right
wait_for "Staff (5000)"
keys Down Down Down Down Enter
wait_for "Users in Staff (5000)"
snap 02-staff png

# 3. / filters as you type.
keys /
typed "chloe adams"
wait_for '4 match "chloe adams"'
snap 03-filter

# 4. enter keeps the filter, enter opens the user.
keys Enter
keys Enter
wait_for "Chloe Adams 0011 (cadams0011)"
wait_for "Enable public IM connectivity"
snap 04-user

# 5. Down to "Enable public IM connectivity" and space: a pending edit, with
#    the explanation panel on the focused item.
keys Down Down Down Down Down Down Space
wait_for "* was off"
snap 05-toggle png

# 6. c reviews: old and new value, and the LDIF it will send.
keys c
wait_for "Review pending changes"
wait_for "msRTCSIP-OptionFlags: 897"
snap 06-review png

# 7. y writes it as one compare-and-swap.
keys y
wait_for "✓ written"
snap 07-written

# 8. Back in the user: the new value is what the directory holds.
keys Escape
wait_for "no pending changes"
snap 08-after

# 9. x: the bit explorer decodes any value, like ocsflags explain; it opens
# on the user's value, and typing replaces it.
keys x
wait_for "Bit explorer"
typed "961"
wait_for "= 961"
snap 09-explorer png

# esc closes the explorer; q quits (nothing is pending any more).
keys Escape
wait_for "x bit explorer"
keys q
wait_for "ocsflags exited: 0"

# 10. A user who cannot sign in, and the audit that says why.
start 100 30 --user staylor
wait_for "Sam Taylor (staylor)"
keys a
wait_for "Audit of Sam Taylor"
snap 10-audit png
keys f
wait_for "Server or pool for Sam Taylor"
snap 11-audit-fix
keys Escape
wait_for "f fix this"
keys q
wait_for "ocsflags exited: 0"

# 11. The same console at 80x24: one pane at a time, with a breadcrumb.
start 80 24 --user cadams0011
wait_for "Chloe Adams 0011 (cadams0011)"
snap 12-user-80x24 png
keys Escape
wait_for "[Users in Staff (5000)]"
wait_for "Chloe Adams 0011"
snap 13-list-80x24

echo "tour.sh: every step showed what it should; screens in $out"
