package flags

import "testing"

func TestBitsLine(t *testing.T) {
	tests := []struct {
		v            Value
		bits, legend string
	}{
		{0, "no bit set", ""},
		{256, "256 ep", ""},
		{961, "1 pic + 64 anonymous + 128 ev + 256 ep + 512 pbx*", "* inferred"},
		{1280, "256 ep + 1024?", "? undocumented"},
		{1<<31 | 2 | 512 | 256, "2? + 256 ep + 512 pbx* + 2147483648?", "* inferred, ? undocumented"},
	}
	for _, tt := range tests {
		if b, l := BitsLine(tt.v); b != tt.bits || l != tt.legend {
			t.Errorf("%d: %q (%q), want %q (%q)", tt.v, b, l, tt.bits, tt.legend)
		}
	}
}
