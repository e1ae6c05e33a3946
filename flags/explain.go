package flags

// Explanation is a decoded value in the shape `ocsflags explain --json` prints.
type Explanation struct {
	Value     uint32         `json:"value"`
	Hex       string         `json:"hex"`
	Features  []FeatureState `json:"features"`
	Unknown   []uint32       `json:"unknown"`
	Telephony string         `json:"telephony"`
	// TelephonyInferred is set when the value's telephony option has an
	// inferred bit pattern.
	TelephonyInferred bool `json:"telephony_inferred"`
	// TelephonyOptions are the console's five options with their bit
	// patterns, each marked inferred or not.
	TelephonyOptions []TelephonyOption `json:"telephony_options"`
}

// TelephonyOption is one option of the console's Telephony radio group.
type TelephonyOption struct {
	Mode     string `json:"mode"`
	Label    string `json:"label"`
	Bits     uint32 `json:"bits"`
	Inferred bool   `json:"inferred"`
	Selected bool   `json:"selected"`
}

// FeatureState is one catalogue entry and whether the value has it.
type FeatureState struct {
	Value uint32 `json:"value"`
	Bit   int    `json:"bit"`
	Name  string `json:"name"`
	Label string `json:"label"`
	Group string `json:"group"`
	Set   bool   `json:"set"`
	// Inferred marks facts from observation, not Microsoft's documentation.
	Inferred bool `json:"inferred"`
}

// Explain decodes v against the catalogue.
func Explain(v Value) Explanation {
	t := TelephonyOf(v)
	e := Explanation{Value: uint32(v), Hex: v.Hex(), Unknown: []uint32{}, Telephony: t.Short(), TelephonyInferred: t.Inferred()}
	for _, f := range Catalogue {
		e.Features = append(e.Features, FeatureState{
			Value: uint32(f.Value), Bit: f.Bit, Name: f.Name, Label: f.Label, Group: f.Group.String(), Set: v.Has(f.Value), Inferred: f.Inferred,
		})
	}
	for _, m := range TelephonyModes {
		e.TelephonyOptions = append(e.TelephonyOptions, TelephonyOption{
			Mode: m.Short(), Label: m.Label(), Bits: uint32(m.Bits()), Inferred: m.Inferred(), Selected: m == t,
		})
	}
	for _, b := range v.Unknown().Bits() {
		e.Unknown = append(e.Unknown, uint32(b))
	}
	return e
}
