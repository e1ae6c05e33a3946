package browse

import (
	"ocsflags/flags"
	"ocsflags/ui/common"
)

// attrInfo explains the per-user attributes that are not OptionFlags bits,
// as flags words them (flags.AttrDoc); the bits themselves are explained
// from flags.Catalogue.
type attrInfo struct {
	attr, label, syntax, explain, caveat string
}

// itemAttr is the attribute a detail line changes ("" for none).
func itemAttr(it Item) string {
	switch it.Kind {
	case ItBit, ItTelephony, ItReserved, ItUnknown, ItValue:
		return flags.AttrOptionFlags
	}
	return attrInfos[it.Kind].attr
}

const generalPath = flags.ConsolePath

// attrInfos is common.Documented's docs, by the line that shows them.
var attrInfos = func() map[ItemKind]attrInfo {
	m := map[ItemKind]attrInfo{}
	for k, d := range common.Documented() {
		m[k] = attrInfo{d.Attr, d.Label, d.Syntax, d.Explain, d.Caveat}
	}
	return m
}()
