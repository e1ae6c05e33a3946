package flags

// Explanation is a decoded value in the shape `ocsflags explain --json` prints.
type Explanation struct {
	Value     uint32         `json:"value"`
	Hex       string         `json:"hex"`
	Features  []FeatureState `json:"features"`
	Unknown   []uint32       `json:"unknown"`
	Telephony string         `json:"telephony"`
}

// FeatureState is one catalogue entry and whether the value has it.
type FeatureState struct {
	Value uint32 `json:"value"`
	Bit   int    `json:"bit"`
	Name  string `json:"name"`
	Label string `json:"label"`
	Group string `json:"group"`
	Set   bool   `json:"set"`
}

// Explain decodes v against the catalogue.
func Explain(v Value) Explanation {
	e := Explanation{Value: uint32(v), Hex: v.Hex(), Unknown: []uint32{}, Telephony: TelephonyOf(v).Short()}
	for _, f := range Catalogue {
		e.Features = append(e.Features, FeatureState{
			Value: uint32(f.Value), Bit: f.Bit, Name: f.Name, Label: f.Label, Group: f.Group.String(), Set: v.Has(f.Value),
		})
	}
	for _, b := range v.Unknown().Bits() {
		e.Unknown = append(e.Unknown, uint32(b))
	}
	return e
}
