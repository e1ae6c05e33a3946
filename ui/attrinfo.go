package ui

import "ocsflags/flags"

// attrInfo explains the per-user attributes that are not OptionFlags bits,
// as flags words them (flags.AttrDoc); the bits themselves are explained
// from flags.Catalogue.
type attrInfo struct {
	attr, label, syntax, explain, caveat string
}

// itemAttr is the attribute a detail line changes ("" for none).
func itemAttr(it item) string {
	switch it.kind {
	case itBit, itTelephony, itReserved, itUnknown, itValue:
		return flags.AttrOptionFlags
	}
	return attrInfos[it.kind].attr
}

const generalPath = flags.ConsolePath

var attrInfos = map[itemKind]attrInfo{
	itEnabled:    fromDoc(flags.DocEnabled),
	itSIP:        fromDoc(flags.DocSIPAddress),
	itPool:       fromDoc(flags.DocHomeServer),
	itVerdict:    fromDoc(flags.DocReadiness),
	itFederation: fromDoc(flags.DocFederation),
	itRemote:     fromDoc(flags.DocRemoteAccess),
	itLine:       fromDoc(flags.DocLine),
	itLineServer: fromDoc(flags.DocLineServer),
	itArchive:    fromDoc(flags.DocArchiving),
}

func fromDoc(d flags.AttrDoc) attrInfo {
	return attrInfo{d.Attr, d.Label, d.Syntax, d.Explain, d.Caveat}
}
