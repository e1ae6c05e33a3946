package browse

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

// Label is the label of the line of kind in the user pane (the editor's
// title, the audit's "goes to the …").
func Label(kind ItemKind) string { return attrInfos[kind].label }

// Attr is the attribute the line of kind shows, and Syntax its AD syntax.
func Attr(kind ItemKind) string   { return attrInfos[kind].attr }
func Syntax(kind ItemKind) string { return attrInfos[kind].syntax }
