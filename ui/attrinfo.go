package ui

import "ocsflags/flags"

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

var attrInfos = map[ItemKind]attrInfo{
	ItEnabled:    fromDoc(flags.DocEnabled),
	ItSIP:        fromDoc(flags.DocSIPAddress),
	ItPool:       fromDoc(flags.DocHomeServer),
	ItVerdict:    fromDoc(flags.DocReadiness),
	ItFederation: fromDoc(flags.DocFederation),
	ItRemote:     fromDoc(flags.DocRemoteAccess),
	ItLine:       fromDoc(flags.DocLine),
	ItLineServer: fromDoc(flags.DocLineServer),
	ItArchive:    fromDoc(flags.DocArchiving),
}

func fromDoc(d flags.AttrDoc) attrInfo {
	return attrInfo{d.Attr, d.Label, d.Syntax, d.Explain, d.Caveat}
}
