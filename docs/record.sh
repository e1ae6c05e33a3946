#!/usr/bin/env bash
# Records the tour on the built-in demo directory and renders the README's
# pictures:
#
#   docs/console.svg   the still screenshot at the top of the README
#   docs/tour.svg      the animated tour (about 30 s, loops)
#   docs/tour.cast     the recording itself (asciinema v2: `asciinema play docs/tour.cast`)
#
# How: the console runs under asciinema rec inside a detached tmux session of
# exactly 100x30; tmux send-keys drives it, and each step waits for what the
# screen must show (like docs/tour.sh) before it pauses for the viewer.
# termtosvg renders the cast to SVG with pyte, a VT emulator that draws what
# Bubble Tea v2 sends (svg-term-cli was tried first: its emulator garbled the
# explanation panel and collapsed the spaces of the focused line). The
# console is started with TERM=vt220, a terminal Bubble Tea's renderer knows
# no shortcuts for, so it sends only cursor moves, erases, scroll margins and
# colours, all of which pyte 0.8 implements (with xterm it sends SU/SD, which
# pyte lacks; with linux HPA, which pyte misreads), and COLORTERM=truecolor,
# so the colours are the console's own.
# Headless chromium renders both SVGs to PNG previews, for a human to check
# that text is legible and boxes aligned before committing.
#
# Not run by .ci/run: it rewrites committed pictures, its timings are real
# time, and CI need not have these packages. Rerun it by hand after a change
# to the console (about a minute):
#
#   bash docs/record.sh
#
# Everything it installs is Debian's (apt-get, as root: asciinema, tmux,
# termtosvg, chromium); nothing is installed into the repository. Scratch
# files go to a temporary directory, removed at exit; the PNG previews to
# PICS_PREVIEW (default /tmp/ocsflags-pics-preview), not committed.
#
# When the console changes, the steps below are the place to edit: each
# names the text it waits for, and the moves use focus_on (press a key until
# the focused line shows a text), not counted key presses, so most layout
# changes need no edit at all.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
preview=${PICS_PREVIEW:-/tmp/ocsflags-pics-preview}
cols=100 rows=30

say() { echo "record.sh: $*" >&2; }

# --- tools ------------------------------------------------------------------
need=()
for c in asciinema tmux termtosvg chromium; do command -v "$c" >/dev/null || need+=("$c"); done
if [ ${#need[@]} -gt 0 ]; then
	say "installing ${need[*]} with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- the recording ----------------------------------------------------------
work=$(mktemp -d)
T="tmux -L ocsflags-record"
cleanup() { $T kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/ocsflags" .
say "tools and build ready after $((SECONDS - start)) s"

# The console is started as ./ocsflags in the scratch directory, with a home
# of its own there: the cast's header records the command, and no host path
# or user setting may reach the recording. asciinema's own config (its
# install id) stays in the scratch directory too.
$T new-session -d -s keepalive "sleep 3600"
t0=$(date +%s%N)
$T new-session -d -s rec -x "$cols" -y "$rows" -c "$work" \
	"env -i PATH=/usr/bin:/bin HOME=$work TERM=vt220 COLORTERM=truecolor LANG=C.UTF-8 \
	XDG_STATE_HOME=$work/state ASCIINEMA_CONFIG_HOME=$work/asciinema \
	asciinema rec --quiet --overwrite --env TERM --title 'ocsflags: a tour of the demo directory' \
	-c './ocsflags --demo' tour.cast; echo \"recorded: \$?\"; sleep 60"

screen() { $T capture-pane -p -t rec; }
ms() { echo $((($(date +%s%N) - t0) / 1000000)); } # milliseconds since the recording began

wait_for() { # wait_for TEXT: poll the screen for up to 10 s
	for _ in $(seq 100); do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	say "the screen never showed \"$1\"; last screen:"
	screen >&2
	exit 1
}

keys() { $T send-keys -t rec "$@"; }
typed() { # typed TEXT: one key at a time, as a person types
	local i
	for ((i = 0; i < ${#1}; i++)); do
		$T send-keys -t rec -l "${1:i:1}"
		sleep 0.09
	done
}

focus_on() { # focus_on TEXT [KEY]: press KEY (Down) until the focused line (›) shows TEXT
	for _ in $(seq 40); do
		if screen | grep -E -- "^ *› " | grep -qF -- "$1"; then
			return 0
		fi
		keys "${2:-Down}"
		sleep 0.25
	done
	say "no focused line ever showed \"$1\"; last screen:"
	screen >&2
	exit 1
}

pause() { sleep "$1"; }

# 1. The tree of containers.
wait_for "Containers"
first_at=$(ms)
pause 1.5

# 2. Expand Corp, list the Sales OU.
focus_on "Corp"
keys Right
wait_for "Sales (12)"
pause 0.8
focus_on "Sales (12)"
pause 0.5
keys Enter
wait_for "Users in Sales (12)]"
pause 2

# 3. Open Farid Haddad (256: enhanced presence only): OptionFlags as check
#    boxes labelled like the OCS console.
focus_on "Farid Haddad"
pause 0.6
keys Enter
wait_for "[Farid Haddad (fhaddad)]"
wait_for "Enable public IM connectivity"
pause 2.5

# 4. Down to public IM connectivity, the explanation follows the cursor;
#    space makes a pending edit. This moment is the README's still.
focus_on "Enable public IM connectivity"
pause 1.2
keys Space
wait_for "* was off"
pause 1.2
still_at=$(ms)
screen >"$work/still.txt"
pause 1.8

# 5. c reviews: the old and new value, and the LDIF it will send.
keys c
wait_for "Review pending changes"
wait_for "msRTCSIP-OptionFlags: 257"
pause 3.5

# 6. y writes it as one compare-and-swap.
keys y
wait_for "✓ written"
pause 2.5

# 7. Back to the list; Ann Lee cannot sign in: a audits her.
keys Escape
wait_for "no pending changes"
pause 1
keys Escape
wait_for "Users in Sales (12)]"
pause 0.8
focus_on "Ann Lee" Up
pause 0.6
keys a
wait_for "Audit of Ann Lee"
pause 4

# 8. x: the bit explorer, like ocsflags explain; typing replaces the value.
keys Escape
wait_for "[Ann Lee (alee)]"
pause 1
keys x
wait_for "Bit explorer"
pause 1.2
typed "961"
wait_for "= 961"
pause 1.5
screen >"$work/end.txt"
pause 1.5
# The animation ends here; the 300 ms keep the key below out of it.
end_at=$(($(ms) - 300))

# esc, q: quit (nothing is pending).
keys Escape
wait_for "x bit explorer"
keys q
for _ in $(seq 100); do
	screen | grep -q "recorded: 0" && break
	sleep 0.1
done
screen | grep -q "recorded: 0" || {
	say "asciinema did not end cleanly; last screen:"
	screen >&2
	exit 1
}
say "recorded after $((SECONDS - start)) s"

# --- the pictures -----------------------------------------------------------
cast=$work/tour.cast
# The header's timestamp changes every run and says nothing to a reader.
sed -i '1s/"timestamp": *[0-9]*, *//' "$cast"
for p in /tmp/ /work/ /home/ /root "$work"; do
	if grep -qF -- "$p" "$cast"; then
		say "the recording shows a host path ($p); not writing the pictures"
		exit 1
	fi
done
# Bubble Tea's start-up queries and keyboard-mode requests (CSI ? 2026 $p,
# OSC 11 ?, CSI > 4 ; 2 m, CSI > 1 u, CSI ? u, CSI < u) draw nothing, but
# pyte, termtosvg's emulator, reads CSI > 4 ; 2 m as "underline, faint" and
# draws the tail of the others as text: they are taken out of the cast.
perl -pi -e 'next if $. == 1; s/\\u001b\[[<=>][0-9;]*[a-zA-Z]//g; s/\\u001b\[\?[0-9;]*(?:u|\$p)//g; s/\\u001b\]11;\?\\u0007//g' "$cast"

# This script's clock (ms) started before tmux and asciinema did: the cast's
# clock lags it by the time the first screen took to appear here less its
# time in the cast (a poll, up to 0.1 s, too long: the cuts below fall in
# pauses of 3 s, so that is no matter).
lag=$((first_at - $(awk 'NR > 1 && /Containers/ { print int(substr($1, 2) * 1000); exit }' "$cast")))
upto() { # upto MS: the cast's header and its events up to MS on this script's clock
	awk -v ms="$(($1 - lag))" 'NR == 1 { print; next } { t = substr($1, 2) + 0; if (t * 1000 <= ms) print }' "$cast"
}
# Styled like a terminal window; CSS animation, so it plays where scripts do
# not run (an <img> on a forge's README). textLength places every run of
# text on the 100x30 grid, whatever monospace font the viewer has.
template=window_frame
# The last frame would be the emptied screen after q: stop just before it.
upto "$end_at" >"$work/anim.cast"
upto "$still_at" >"$work/still.cast"
tts() { termtosvg render "$@" -t "$template" >"$work/termtosvg.log" 2>&1 || { cat "$work/termtosvg.log" >&2; exit 1; }; }
tts "$work/anim.cast" "$work/tour.svg" -m 50 -M 5000 -D 2500
tts "$work/still.cast" "$work/frames" -s -m 1
cp "$(find "$work/frames" -name '*.svg' | sort | tail -1)" "$work/console.svg"
# termtosvg asks for DejaVu Sans Mono, then the viewer's monospace: name the
# monospace fonts with box-drawing glyphs that macOS and Windows have first,
# so a forge's viewer draws the panel rules with one font.
sed -i "s/font-family: 'DejaVu Sans Mono', monospace;/font-family: 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace;/" \
	"$work/tour.svg" "$work/console.svg"

# The pictures must show what tmux showed: the screen pyte (termtosvg's
# emulator) makes of the cast, at the still and at the end, is compared with
# tmux's own screen at those moments. A new escape sequence from a newer
# Bubble Tea that pyte does not know fails here instead of in a picture.
/usr/bin/python3 - "$work/still.cast" "$work/still.txt" "$work/anim.cast" "$work/end.txt" <<'EOF'
import json, sys
import pyte
bad = False
for cast, want in zip(sys.argv[1::2], sys.argv[2::2]):
    lines = open(cast, encoding="utf-8").read().splitlines()
    head = json.loads(lines[0])
    screen = pyte.Screen(head["width"], head["height"])
    stream = pyte.Stream(screen)
    for line in lines[1:]:
        _, kind, data = json.loads(line)
        if kind == "o":
            stream.feed(data)
    got = [row.rstrip() for row in screen.display]
    tmux = open(want, encoding="utf-8").read().split("\n")[: head["height"]]
    tmux = [row.rstrip() for row in tmux]
    for n, (g, w) in enumerate(zip(got, tmux), 1):
        if g != w:
            bad = True
            print(f"record.sh: line {n} of the picture differs from tmux's screen\n picture: {g}\n tmux:    {w}", file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
cp "$work/tour.svg" "$work/console.svg" docs/
cp "$cast" docs/tour.cast

# --- previews (to look at; not committed) ------------------------------------
# Chromium draws each SVG as a browser shows it in a README (an <img>): the
# still, and the animation held at a few moments (a copy of it with its CSS
# animation paused at that time). The virtual time budget lets the page
# settle before the shot (without it a shot now and then misses the bottom).
mkdir -p "$preview"
rm -f "$preview"/*.png
shot() { # shot SVG PNG: at the SVG's own size
	local size
	size=$(grep -o -m1 'viewBox="0 0 [0-9]* [0-9]*"' "$1" | tr -dc '0-9 ' | awk '{print $3 "," $4}')
	printf '<!doctype html><style>body{margin:0}</style><img src="file://%s">' "$1" >"$work/shot.html"
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$work/chromium" --hide-scrollbars --window-size="$size" --virtual-time-budget=2000 \
		--screenshot="$2" "file://$work/shot.html" >"$work/chromium.log" 2>&1 ||
		{ say "chromium made no $2:"; cat "$work/chromium.log" >&2; }
}
shot "$PWD/docs/console.svg" "$preview/console.png"
for s in 4 10 22 28 34; do
	sed "\$ s|</svg>\$|<style>#screen_view{animation-delay:-${s}s!important;animation-play-state:paused!important}</style></svg>|" \
		docs/tour.svg >"$work/tour-$s.svg"
	shot "$work/tour-$s.svg" "$preview/tour-${s}s.png"
done
say "previews in $preview: $(cd "$preview" && echo *.png)"
ls -l docs/console.svg docs/tour.svg docs/tour.cast >&2
say "the tour lasts $(((end_at - lag) / 1000)) s (the cast's clock lags this script's by $lag ms)"
say "done in $((SECONDS - start)) s"
