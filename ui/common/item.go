package common

import "ocsflags/flags"

// ItemKind is what a line of the user pane stands for: the browser shows
// the lines, the audit sends the admin to one, the editor edits one.
type ItemKind int

const (
	ItEnabled ItemKind = iota
	ItSIP
	ItPool
	ItVerdict
	ItFederation
	ItRemote
	ItBit // a documented OptionFlags check box
	ItTelephony
	ItLine
	ItLineServer
	ItArchive
	ItReserved // a reserved or undocumented bit that is set: read-only
	ItUnknown  // a bit above the catalogue that is set: read-only
	ItValue    // the msRTCSIP-OptionFlags value line
)

// itemDocs is the documentation (flags.AttrDoc) of the lines that stand
// for an attribute of their own; the bits are explained from
// flags.Catalogue.
var itemDocs = map[ItemKind]flags.AttrDoc{
	ItEnabled:    flags.DocEnabled,
	ItSIP:        flags.DocSIPAddress,
	ItPool:       flags.DocHomeServer,
	ItVerdict:    flags.DocReadiness,
	ItFederation: flags.DocFederation,
	ItRemote:     flags.DocRemoteAccess,
	ItLine:       flags.DocLine,
	ItLineServer: flags.DocLineServer,
	ItArchive:    flags.DocArchiving,
}

// Documented is every kind with an AttrDoc of its own.
func Documented() map[ItemKind]flags.AttrDoc { return itemDocs }

// Doc is the documentation of the line of kind (zero for a bit).
func (k ItemKind) Doc() flags.AttrDoc { return itemDocs[k] }

// Label is the label of the line of kind in the user pane (the editor's
// title, the audit's "goes to the …").
func (k ItemKind) Label() string { return itemDocs[k].Label }

// Attr is the attribute the line of kind shows, and Syntax its AD syntax.
func (k ItemKind) Attr() string   { return itemDocs[k].Attr }
func (k ItemKind) Syntax() string { return itemDocs[k].Syntax }
