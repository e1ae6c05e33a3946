package cli

import (
	"flag"
	"strings"
	"testing"
)

// --where repeats, each expression must hold, and a bad one is a usage
// error that names the option, the expression and what is valid.
func TestWhereFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string // the parsed list, or a part of the error
		ok   bool
	}{
		{[]string{"--where", "pic=on", "--where=fed=off"}, "pic=on fed=off", true},
		{[]string{"--where", "tel=ev"}, "tel=ev", true},
		{[]string{"--where", "tel=voice"}, `--where "tel=voice": "voice" is not a telephony mode: use pc, rcc, ev, pbx, rcc+pbx or inconsistent`, false},
		{[]string{"--where", "federation"}, `--where "federation": not NAME=VALUE; NAME=VALUE: pic ev rcc`, false},
		{[]string{"--where"}, "option --where needs a value", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("find", flag.ContinueOnError)
		w := registerWhere(fs)
		_, err := parse(fs, tt.args)
		switch {
		case tt.ok && err != nil:
			t.Errorf("%q: %v", tt.args, err)
		case tt.ok && w.Where().String() != tt.want:
			t.Errorf("%q: parsed %q", tt.args, w.Where().String())
		case !tt.ok && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want %q…", tt.args, err, tt.want)
		}
		if _, isUsage := err.(usageErr); err != nil && !isUsage {
			t.Errorf("%q: %T is not a usage error", tt.args, err)
		}
	}
}
